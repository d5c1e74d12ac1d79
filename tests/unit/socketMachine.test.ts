import { describe, expect, it } from 'vitest';
import { createActor, fromCallback } from 'xstate';
import { HEARTBEAT_TIMEOUT_CLOSE } from '../../machine/closes.js';
import { LATE_TIMER_SLACK, socketMachine, socketMachineWithoutNetworkSignal } from '../../machine/socketMachine.js';
import { FAST, startMachine, type MachineHarness } from './harness.js';

const fast = FAST;

/** Drives an open connection until the heartbeat gives up on a silent peer. */
function silentPeerClosing(m: MachineHarness) {
  m.open();
  m.advance(fast.heartbeat.interval);
  m.advance(fast.heartbeat.timeout);
  expect(m.state).toBe('closing');
}

/** Timers the machine has scheduled and not cancelled. */
const pendingTimers = (m: MachineHarness) => (m.clock as unknown as { timeouts: Map<unknown, unknown> }).timeouts.size;

describe('connecting', () => {
  it('starts connecting, with exactly one socket', () => {
    const m = startMachine(fast);
    expect(m.state).toBe('connecting');
    expect(m.liveSockets).toBe(1);
  });

  it('goes open when the socket opens, flushing the queue and announcing open', () => {
    const m = startMachine(fast);
    m.open();
    expect(m.state).toBe('open');
    expect(m.calls.flushQueue).toBe(1);
    expect(m.emitted).toEqual([{ type: 'open', resumed: false }]);
  });

  it('goes to reconnectWait when the attempt fails, reporting the close', () => {
    const m = startMachine(fast);
    m.socketClosed(1006);
    expect(m.state).toBe('reconnectWait');
    expect(m.context.retries).toBe(1);
    expect(m.closes).toEqual([{ type: 'close', code: 1006, reason: '', wasClean: false }]);
    expect(m.liveSockets).toBe(0);
  });

  it('abandons a handshake that takes longer than connectTimeout', () => {
    const m = startMachine(fast);
    m.advance(fast.connectTimeout - 1);
    expect(m.state).toBe('connecting');
    m.advance(1);
    expect(m.state).toBe('reconnectWait');
    expect(m.sockets[0]!.stopped).toBe(true);
    expect(m.closes).toEqual([{ type: 'close', code: 1006, reason: 'connect timeout', wasClean: false }]);
  });

  it('reports a socket error without changing state (the close that follows decides)', () => {
    const m = startMachine(fast);
    m.actor.send({ type: 'SOCKET.ERROR', error: new Error('boom') });
    expect(m.state).toBe('connecting');
    expect(m.emitted).toEqual([{ type: 'error', error: new Error('boom') }]);
  });

  it.each(['invalid url', 'invalid protocols'])('ends in closed on an %s: retrying would only loop', (reason) => {
    const m = startMachine(fast);
    m.actor.send({ type: 'SOCKET.INVALID', error: new SyntaxError('bad'), reason });
    expect(m.state).toBe('closed');
    expect(m.emitted.map((e) => e.type)).toEqual(['error', 'close']);
    expect(m.closes[0]).toMatchObject({ code: 1006, reason });
    m.advance(60_000);
    expect(m.sockets).toHaveLength(1);
  });
});

describe('open and awaitingPong: the heartbeat', () => {
  it('sends a ping after interval ms of silence', () => {
    const m = startMachine(fast);
    m.open();
    m.advance(fast.heartbeat.interval - 1);
    expect(m.state).toBe('open');
    m.advance(1);
    expect(m.state).toBe('awaitingPong');
    expect(m.sockets[0]!.commands).toEqual([{ type: 'PING' }]);
  });

  it('counts any incoming message as proof of life: the silence is measured from the last one', () => {
    const m = startMachine(fast);
    m.open();
    m.advance(90);
    m.hear();
    m.advance(10); // the timer fires at 100, but the peer spoke 10 ms ago
    expect(m.state).toBe('open');
    m.advance(89);
    expect(m.state).toBe('open');
    m.advance(1); // 100 ms since the message
    expect(m.state).toBe('awaitingPong');
  });

  it('returns to open when anything arrives while a pong is awaited', () => {
    const m = startMachine(fast);
    m.open();
    m.advance(fast.heartbeat.interval);
    m.hear();
    expect(m.state).toBe('open');
    m.advance(fast.heartbeat.interval);
    expect(m.state).toBe('awaitingPong');
    expect(m.pings()).toBe(2);
  });

  it('closes with 4000 "heartbeat timeout" when no reply comes within timeout', () => {
    const m = startMachine(fast);
    m.open();
    m.advance(fast.heartbeat.interval);
    m.advance(fast.heartbeat.timeout - 1);
    expect(m.state).toBe('awaitingPong');
    m.advance(1);
    expect(m.state).toBe('closing');
    expect(m.sockets[0]!.commands.at(-1)).toEqual({ type: 'CLOSE', code: 4000, reason: 'heartbeat timeout' });
  });

  it('never pings with heartbeat: false', () => {
    const m = startMachine({ ...fast, heartbeat: false });
    m.open();
    m.advance(60_000);
    expect(m.state).toBe('open');
    expect(m.pings()).toBe(0);
  });

  it('uses the seed defaults: 3000 ms interval, 3000 ms timeout', () => {
    const m = startMachine();
    m.open();
    m.advance(2999);
    expect(m.state).toBe('open');
    m.advance(1);
    expect(m.state).toBe('awaitingPong');
    m.advance(2999);
    expect(m.state).toBe('awaitingPong');
    m.advance(1);
    expect(m.state).toBe('closing');
  });

  it('goes to reconnectWait when the server closes an open connection', () => {
    const m = startMachine(fast);
    m.open();
    m.socketClosed(1001, 'going away', true);
    expect(m.state).toBe('reconnectWait');
    expect(m.closes).toEqual([{ type: 'close', code: 1001, reason: 'going away', wasClean: true }]);
  });
});

describe('closing', () => {
  it('goes on to reconnectWait when the close handshake completes', () => {
    const m = startMachine(fast);
    silentPeerClosing(m);
    m.socketClosed(4000, 'heartbeat timeout', true);
    expect(m.state).toBe('reconnectWait');
  });

  it('abandons the socket after closeTimeout: a dead network may never deliver the close', () => {
    const m = startMachine(fast);
    silentPeerClosing(m);
    m.advance(fast.closeTimeout - 1);
    expect(m.state).toBe('closing');
    m.advance(1);
    expect(m.state).toBe('reconnectWait');
    expect(m.sockets[0]!.stopped).toBe(true);
    // The app hears why the connection ended, not that heartsocket stopped waiting for the peer.
    expect(m.closes).toEqual([{ type: 'close', code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
  });

  it('reports 4000 "heartbeat timeout" after a heartbeat failure whatever code the peer echoes', () => {
    const m = startMachine(fast);
    silentPeerClosing(m);
    m.socketClosed(1000, 'bye', true);
    expect(m.closes).toEqual([{ type: 'close', code: 4000, reason: 'heartbeat timeout', wasClean: true }]);
  });

  it('abandons a user close() that gets no answer with 1006 "close timeout"', () => {
    const m = startMachine(fast);
    m.open();
    m.actor.send({ type: 'CLOSE', code: 4321, reason: 'done' });
    expect(m.sockets[0]!.commands.at(-1)).toEqual({ type: 'CLOSE', code: 4321, reason: 'done' });
    m.advance(fast.closeTimeout);
    expect(m.state).toBe('closed');
    expect(m.closes).toEqual([{ type: 'close', code: 1006, reason: 'close timeout', wasClean: false }]);
  });
});

describe('reconnectWait', () => {
  it('connects again with a new socket after the delay (seed default 4000 ms)', () => {
    const m = startMachine();
    m.socketClosed();
    m.advance(3999);
    expect(m.state).toBe('reconnectWait');
    m.advance(1);
    expect(m.state).toBe('connecting');
    expect(m.sockets).toHaveLength(2);
    expect(m.liveSockets).toBe(1);
  });

  it('connects at once on reconnect(), with a fresh retry count', () => {
    const m = startMachine(fast);
    m.socketClosed();
    m.actor.send({ type: 'RECONNECT' });
    expect(m.state).toBe('connecting');
    expect(m.context.retries).toBe(0);
  });

  it('grows the wait by factor up to maxDelay', () => {
    const m = startMachine({ ...fast, reconnect: { delay: 100, factor: 2, maxDelay: 1000 } });
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      m.socketClosed();
      waits.push(m.context.retryDelay);
      m.advance(m.context.retryDelay);
      expect(m.state).toBe('connecting');
    }
    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('gives up after maxRetries failed attempts in a row', () => {
    const m = startMachine({ ...fast, reconnect: { delay: 10, maxRetries: 2 } });
    m.socketClosed();
    m.advance(10);
    m.socketClosed();
    m.advance(10);
    expect(m.state).toBe('connecting');
    m.socketClosed();
    expect(m.state).toBe('closed');
    expect(m.calls.discardQueue).toBe(1);
  });

  it('resets the retry count once a connection stays open minUptime', () => {
    const m = startMachine({ ...fast, reconnect: { delay: 10, factor: 2, minUptime: 1000 } });
    m.socketClosed();
    m.advance(10);
    m.socketClosed();
    m.advance(20);
    expect(m.context.retries).toBe(2);
    m.open();
    m.actor.send({ type: 'PEER.HEARD' });
    m.advance(999);
    expect(m.context.retries).toBe(2);
    m.advance(1);
    expect(m.context.retries).toBe(0);
  });

  it('keeps backing off a flapping server that closes before minUptime', () => {
    const m = startMachine({ ...fast, heartbeat: false, reconnect: { delay: 10, factor: 2, minUptime: 1000 } });
    for (let i = 0; i < 3; i++) {
      m.open();
      m.advance(500);
      m.socketClosed(1011);
      m.advance(m.context.retryDelay);
    }
    expect(m.context.retries).toBe(3);
    expect(m.context.retryDelay).toBe(40);
  });

  it('never reconnects with reconnect: false', () => {
    const m = startMachine({ ...fast, reconnect: false });
    m.open();
    m.socketClosed(1006);
    expect(m.state).toBe('closed');
  });

  it('asks shouldReconnect with the close, and ends in closed when it says no', () => {
    const seen: unknown[] = [];
    const m = startMachine({
      ...fast,
      reconnect: { shouldReconnect: (close) => (seen.push(close), close.code !== 4001) },
    });
    m.open();
    m.socketClosed(1011, 'oops');
    expect(m.state).toBe('reconnectWait');
    m.actor.send({ type: 'RECONNECT' });
    m.open();
    m.socketClosed(4001, 'banned', true);
    expect(m.state).toBe('closed');
    expect(seen).toEqual([
      { code: 1011, reason: 'oops', wasClean: false },
      { code: 4001, reason: 'banned', wasClean: true },
    ]);
  });

  it('waits for the network while offline, and connects at once when it is back', () => {
    const m = startMachine(fast);
    m.open();
    m.actor.send({ type: 'NETWORK.OFFLINE' });
    expect(m.state).toBe('reconnectWait');
    expect(m.liveSockets).toBe(0);
    expect(m.closes.at(-1)).toMatchObject({ code: 1006, reason: 'network offline' });
    m.advance(60_000);
    expect(m.state).toBe('reconnectWait');
    m.actor.send({ type: 'NETWORK.ONLINE' });
    expect(m.state).toBe('connecting');
  });

  it('pauses a pending retry when the network goes offline', () => {
    const m = startMachine(fast);
    m.socketClosed();
    m.actor.send({ type: 'NETWORK.OFFLINE' });
    m.advance(60_000);
    expect(m.state).toBe('reconnectWait');
    expect(m.sockets).toHaveLength(1);
  });
});

describe('close() from every state', () => {
  it('open: does the closing handshake, then ends in closed', () => {
    const m = startMachine(fast);
    m.open();
    m.actor.send({ type: 'CLOSE', code: 1000, reason: 'bye' });
    expect(m.state).toBe('closing');
    expect(m.sockets[0]!.commands).toEqual([{ type: 'CLOSE', code: 1000, reason: 'bye' }]);
    m.socketClosed(1000, 'bye', true);
    expect(m.state).toBe('closed');
    expect(m.closes).toHaveLength(1);
  });

  it('awaitingPong: does the closing handshake', () => {
    const m = startMachine(fast);
    m.open();
    m.advance(fast.heartbeat.interval);
    m.actor.send({ type: 'CLOSE' });
    expect(m.state).toBe('closing');
    m.advance(fast.closeTimeout);
    expect(m.state).toBe('closed');
  });

  it('connecting: ends at once, no open and exactly one close', () => {
    const m = startMachine(fast);
    m.actor.send({ type: 'CLOSE', code: 4002 });
    expect(m.state).toBe('closed');
    expect(m.sockets[0]!.stopped).toBe(true);
    expect(m.emitted).toEqual([{ type: 'close', code: 4002, reason: '', wasClean: false }]);
  });

  it('closing (heartbeat timeout): ends at once, final, without waiting for a peer judged dead', () => {
    const m = startMachine(fast);
    silentPeerClosing(m);
    m.actor.send({ type: 'CLOSE' });
    expect(m.state).toBe('closed');
    expect(m.sockets[0]!.stopped).toBe(true);
    expect(m.closes).toEqual([{ type: 'close', code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
    m.advance(60_000);
    expect(m.sockets).toHaveLength(1);
  });

  it('reconnectWait: ends at once and cancels the retry', () => {
    const m = startMachine(fast);
    m.socketClosed();
    m.actor.send({ type: 'CLOSE' });
    expect(m.state).toBe('closed');
    m.advance(60_000);
    expect(m.sockets).toHaveLength(1);
  });

  it.each([
    ['connecting', (_m: MachineHarness) => {}],
    ['open', (m: MachineHarness) => m.open()],
    ['reconnectWait', (m: MachineHarness) => m.socketClosed()],
    ['closing', silentPeerClosing],
  ])('%s: leaves no timer behind once closed', (_name, reach) => {
    const m = startMachine(fast);
    reach(m);
    m.actor.send({ type: 'CLOSE' });
    m.advance(fast.closeTimeout);
    expect(m.state).toBe('closed');
    expect(pendingTimers(m)).toBe(0);
    expect(m.liveSockets).toBe(0);
  });

  it('is idempotent: a second close() adds no event', () => {
    const m = startMachine(fast);
    m.open();
    m.actor.send({ type: 'CLOSE' });
    m.actor.send({ type: 'CLOSE' });
    m.socketClosed(1000, '', true);
    m.actor.send({ type: 'CLOSE' });
    expect(m.closes).toHaveLength(1);
    expect(m.state).toBe('closed');
  });

  it('stays final when the network goes offline during the closing handshake', () => {
    const m = startMachine(fast);
    m.open();
    m.actor.send({ type: 'CLOSE' });
    m.actor.send({ type: 'NETWORK.OFFLINE' });
    expect(m.state).toBe('closed');
    m.actor.send({ type: 'NETWORK.ONLINE' });
    expect(m.state).toBe('closed');
    expect(m.closes).toHaveLength(1);
  });

  it('is final: time alone never leaves closed, only reconnect() does', () => {
    const m = startMachine(fast);
    m.actor.send({ type: 'CLOSE' });
    m.advance(600_000);
    m.actor.send({ type: 'NETWORK.ONLINE' });
    expect(m.state).toBe('closed');
    m.actor.send({ type: 'RECONNECT' });
    expect(m.state).toBe('connecting');
    expect(m.actor.getSnapshot().hasTag('forGood')).toBe(false);
  });
});

describe('one socket at a time', () => {
  it('rapid reconnect() calls leave exactly one live socket, each replaced one reported closed', () => {
    const m = startMachine(fast);
    m.open();
    for (let i = 0; i < 5; i++) m.actor.send({ type: 'RECONNECT' });
    expect(m.sockets).toHaveLength(6);
    expect(m.liveSockets).toBe(1);
    expect(m.closes).toHaveLength(5);
    expect(m.state).toBe('connecting');
  });
});

describe('SEND (actor users)', () => {
  it('hands the data to the adapter in every state', () => {
    const m = startMachine(fast);
    m.actor.send({ type: 'SEND', data: 'a' });
    m.open();
    m.actor.send({ type: 'SEND', data: 'b' });
    expect(m.calls.transmit).toEqual([
      { type: 'SEND', data: 'a' },
      { type: 'SEND', data: 'b' },
    ]);
  });
});

describe('SEND after the end', () => {
  it.each([
    ['closed', (m: MachineHarness) => m.actor.send({ type: 'CLOSE' })],
    ['closing after close()', (m: MachineHarness) => (m.open(), m.actor.send({ type: 'CLOSE' }))],
  ])('is refused in %s, not queued for a later reconnect()', (_name, reach) => {
    const m = startMachine(fast);
    reach(m);
    m.actor.send({ type: 'SEND', data: 'late' });
    expect(m.calls.transmit).toEqual([]);
    expect(m.calls.refused).toEqual([{ type: 'SEND', data: 'late' }]);
  });
});

describe('the bare machine', () => {
  it('fails loudly, naming what to provide, when run without its adapter', () => {
    const actor = createActor(socketMachine, { input: { silentFor: () => 0, now: () => 0, random: Math.random } });
    const errors: Error[] = [];
    actor.subscribe({ error: (error) => void errors.push(error as Error) });
    actor.start();
    expect(errors[0]?.message).toMatch(/provide it: socketMachine\.provide\(\{ actors: \{ socket \} \}\)/);
  });

  it.each([
    ['socketMachine', socketMachine],
    ['socketMachineWithoutNetworkSignal', socketMachineWithoutNetworkSignal],
  ])('%s: an action the adapter must supply fails loudly too, naming it', (_name, machine) => {
    const quietSocket = machine.provide({ actors: { socket: fromCallback(() => {}) } });
    const actor = createActor(quietSocket, { input: { silentFor: () => 0, now: () => 0, random: Math.random } });
    const errors: Error[] = [];
    actor.subscribe({ error: (error) => void errors.push(error as Error) });
    actor.start();
    actor.send({ type: 'SEND', data: 'hello' });
    expect(errors[0]?.message).toMatch(/provide it: socketMachine\.provide\(\{ actions: \{ transmit \} \}\)/);
  });

  it("the session handshake's endHandshake fails loudly too, naming it", () => {
    const quietSocket = socketMachine.provide({ actors: { socket: fromCallback(() => {}) } });
    const input = { silentFor: () => 0, now: () => 0, random: Math.random, handshakeTimeout: 1000 };
    const actor = createActor(quietSocket, { input });
    const errors: Error[] = [];
    actor.subscribe({ error: (error) => void errors.push(error as Error) });
    actor.start();
    actor.send({ type: 'SOCKET.OPEN' });
    actor.send({ type: 'SESSION.HELLO' });
    expect(errors).toEqual([]);
    actor.send({ type: 'SESSION.READY', resumed: false, reason: null, sessionId: 'abc' });
    expect(errors[0]?.message).toMatch(/provide it: socketMachine\.provide\(\{ actions: \{ endHandshake \} \}\)/);
  });

  it('rejects bad options at creation, naming the option', () => {
    const actor = createActor(socketMachine, {
      input: { heartbeat: { interval: -1 }, silentFor: () => 0, now: () => 0, random: Math.random },
    });
    const snapshot = actor.getSnapshot();
    expect(snapshot.status).toBe('error');
    expect((snapshot.error as Error).message).toMatch(/options\.heartbeat\.interval .* got -1/);
  });
});

describe('a pong timer that fires late (a stalled loop, a suspended process, a sleeping host)', () => {
  /** Open, pinged, and then the clock jumps: every due timer fires at once, long after it was due. */
  function pingedThenStalled(stall: number) {
    const m = startMachine(fast);
    m.open();
    m.advance(fast.heartbeat.interval);
    expect(m.state).toBe('awaitingPong');
    m.advance(fast.heartbeat.timeout + stall);
    return m;
  }

  it('reads input that has already arrived before judging the peer: a buffered pong keeps the connection', () => {
    const m = startMachine(fast);
    m.open();
    m.advance(fast.heartbeat.interval);
    // The pong was in the kernel buffer when the timer fired: the socket reads it in the same turn.
    m.actor.subscribe((snapshot) => {
      if (snapshot.matches({ running: { live: { connected: { awaitingPong: 'forBufferedInput' } } } })) m.hear();
    });
    m.advance(fast.heartbeat.timeout);
    expect(m.state).toBe('open');
    expect(m.closes).toEqual([]);
  });

  it('does not condemn the peer for a timer that fired late: it waits once more', () => {
    const m = pingedThenStalled(LATE_TIMER_SLACK + 1);
    expect(m.state).toBe('awaitingPong');
    m.hear();
    expect(m.state).toBe('open');
    expect(m.closes).toEqual([]);
  });

  it('waits only once: a peer still silent after the extra wait is dead (a throttled tab still notices)', () => {
    const m = pingedThenStalled(10_000);
    expect(m.state).toBe('awaitingPong');
    m.advance(fast.heartbeat.timeout + 10_000); // late again
    expect(m.state).toBe('closing');
    expect(m.sockets[0]!.commands.at(-1)).toEqual({ type: 'CLOSE', ...HEARTBEAT_TIMEOUT_CLOSE });
  });

  it('judges a timer that fired on time at once', () => {
    const m = pingedThenStalled(LATE_TIMER_SLACK);
    expect(m.state).toBe('closing');
  });
});

describe('where a connection begins', () => {
  it('startClosed: in closed without a socket; SEND queues; reconnect() connects', () => {
    const m = startMachine({ ...fast, startClosed: true });
    expect(m.state).toBe('closed');
    expect(m.sockets).toHaveLength(0);
    m.actor.send({ type: 'SEND', data: 'early' });
    expect(m.calls.transmit).toEqual([{ type: 'SEND', data: 'early' }]);
    expect(m.calls.discardQueue).toBe(0);
    expect(m.actor.getSnapshot().hasTag('forGood')).toBe(false);
    m.actor.send({ type: 'RECONNECT' });
    expect(m.state).toBe('connecting');
    expect(m.sockets).toHaveLength(1);
  });

  it('startClosed, then close(): ended for good, with no close event (no socket ever existed)', () => {
    const m = startMachine({ ...fast, startClosed: true });
    m.actor.send({ type: 'CLOSE' });
    expect(m.actor.getSnapshot().hasTag('forGood')).toBe(true);
    expect(m.calls.discardQueue).toBe(1);
    expect(m.closes).toEqual([]);
  });

  it('a host already offline: waits for online, making no attempt and using up no retry', () => {
    const m = startMachine({ ...fast, reconnect: { ...fast.reconnect, maxRetries: 1 } }, { hostIsOffline: () => true });
    expect(m.state).toBe('reconnectWait');
    expect(m.sockets).toHaveLength(0);
    m.advance(600_000);
    expect(m.sockets).toHaveLength(0);
    expect(m.context.retries).toBe(0);
    m.actor.send({ type: 'NETWORK.ONLINE' });
    expect(m.state).toBe('connecting');
    expect(m.emitted).toEqual([]);
  });
});

describe('reconnect(code, reason)', () => {
  it('lets the old socket close with the code, reports it, and starts a new socket at once', () => {
    const m = startMachine(fast);
    m.open();
    m.actor.send({ type: 'RECONNECT', code: 4100, reason: 'new token' });
    expect(m.calls.letGo).toEqual([{ type: 'RECONNECT', code: 4100, reason: 'new token' }]);
    expect(m.sockets[0]!.stopped).toBe(true);
    expect(m.liveSockets).toBe(1);
    expect(m.closes).toEqual([{ type: 'close', code: 4100, reason: 'new token', wasClean: false }]);
    expect(m.state).toBe('connecting');
  });
});

describe('a function from the options that threw', () => {
  it('is reported as an error, and the connection goes on', () => {
    const m = startMachine(fast);
    m.open();
    const error = new Error('boom');
    m.actor.send({ type: 'CALLBACK.THREW', option: 'heartbeat.isPong', error });
    expect(m.state).toBe('open');
    expect(m.emitted).toEqual([{ type: 'open', resumed: false }, { type: 'error', error }]);
  });
});

describe('the machine for hosts without a network signal', () => {
  it('is socketMachine without the network actor, and nothing else', () => {
    const definition = (machine: typeof socketMachine) => JSON.parse(JSON.stringify(machine.root.definition));
    const full = definition(socketMachine);
    const lean = definition(socketMachineWithoutNetworkSignal);
    expect(full.states.running.invoke.map((invoke: { src: string }) => invoke.src)).toEqual(['network']);
    expect(lean.states.running.invoke).toEqual([]);
    full.states.running.invoke = [];
    expect(lean).toEqual(full);
  });
});

describe('reconnect() before the attempt has built its socket', () => {
  it('starts again without reporting a close: there is no socket to close', () => {
    let built = false;
    const m = startMachine(fast, { socketExists: () => built });
    m.actor.send({ type: 'RECONNECT' });
    expect(m.closes).toEqual([]);
    expect(m.sockets).toHaveLength(2);
    expect(m.liveSockets).toBe(1);
    built = true;
    m.actor.send({ type: 'RECONNECT' });
    expect(m.closes).toEqual([{ type: 'close', code: 1006, reason: 'reconnect() called', wasClean: false }]);
  });
});

describe('the network goes away under a socket', () => {
  it('with reconnect: false, ends in closed: offline is no reason to come back', () => {
    const m = startMachine({ ...fast, reconnect: false });
    m.open();
    m.actor.send({ type: 'NETWORK.OFFLINE' });
    expect(m.state).toBe('closed');
    m.actor.send({ type: 'NETWORK.ONLINE' });
    expect(m.state).toBe('closed');
  });

  it('asks shouldReconnect, and ends in closed when it says no', () => {
    const asked: unknown[] = [];
    const m = startMachine({ ...fast, reconnect: { shouldReconnect: (close) => (asked.push(close), false) } });
    m.open();
    m.actor.send({ type: 'NETWORK.OFFLINE' });
    expect(asked).toEqual([{ code: 1006, reason: 'network offline', wasClean: false }]);
    expect(m.state).toBe('closed');
  });
});
