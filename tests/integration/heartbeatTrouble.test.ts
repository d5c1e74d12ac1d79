/**
 * The heartbeat against real-world trouble, on a real server: an event loop that stalls right
 * after a ping, a pong timer that fires late, the close the app hears after a dead peer, and a
 * server that proves it is alive with protocol ping frames instead of answering the text ping.
 *
 * What must NOT happen is shown with a `SimulatedClock` (`options.clock`) where the timing
 * matters; the sockets and the server stay real.
 */
import WsWebSocket from 'ws';
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloseInfo } from '../../machine/settings.js';
import { HEARTBEAT_TIMEOUT_CLOSE } from '../../machine/closes.js';
import {
  cleanup,
  countTransitions,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  isPong,
  onCleanup,
  sleep,
  startServer,
  waitFor,
  waitForState,
} from '../support/client.js';
import { stall } from '../support/stall.js';

const INTERVAL = 100;
const TIMEOUT = 50;
const CLOSE_TIMEOUT = 80;
/** The stall: far longer than the pong timeout and than `LATE_TIMER_SLACK` (100 ms). */
const STALL = 400;
/** Room for a loaded machine in bounded waits. */
const SLACK = 1500;

describe.each(IMPLEMENTATIONS)('a stalled event loop right after a ping (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  const options = (extra: Parameters<typeof fastOptions>[1] = {}) =>
    fastOptions(WebSocket, { heartbeat: { interval: INTERVAL, timeout: TIMEOUT, isPong }, closeTimeout: CLOSE_TIMEOUT, ...extra });

  /** Stalls the process for STALL ms as the socket next enters awaitingPong; counts the stalls. */
  function stallAtNextPing(socket: ReturnType<typeof createSocket>['socket']): { count: number } {
    const stalls = { count: 0 };
    socket.addEventListener('statechange', (event) => {
      if (event.state === 'awaitingPong' && stalls.count++ === 0) stall(STALL);
    });
    return stalls;
  }

  /** Bounded: the heartbeat goes on after the stall, `pings` answered in all, with no close. */
  async function expectAnsweredPings(events: ReturnType<typeof createSocket>['events'], pings: number): Promise<void> {
    await waitFor(
      () => countTransitions(events.states, 'awaitingPong', 'open') >= pings,
      () => `answered pings after the stall; states ${events.states.join(' → ')}`,
      SLACK + 2 * INTERVAL,
    );
    expect(events.closes).toEqual([]);
    expect(events.states).not.toContain('closing');
  }

  it('does not close a live connection whose pong is already in the buffer: back to open, no close event', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(server.url, options());
    await waitForState(socket, 'open');
    // The server answers the first ping at once, then the process stalls with that pong unread.
    let stalls = 0;
    server.afterPingReply = () => {
      if (stalls++ === 0) stall(STALL);
    };

    await waitFor(() => stalls >= 1, 'the first ping, and the stall after its pong');
    await expectAnsweredPings(events, 2);
    expect(socket.readyState).toBe(1);
    expect(server.connections).toBe(1);
    expect(server.closes).toEqual([]);
  });

  it('reads a pong that arrived during a short stall (under LATE_TIMER_SLACK) before judging the peer', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(server.url, options());
    await waitForState(socket, 'open');
    // The pong timer fires some 30 ms late: on time by the slack, so only reading first saves it.
    let stalls = 0;
    server.afterPingReply = () => {
      if (stalls++ === 0) stall(TIMEOUT + 30);
    };

    await waitFor(() => stalls >= 1, 'the first ping, and the stall after its pong');
    await expectAnsweredPings(events, 2);
    expect(server.connections).toBe(1);
  });

  it('does not close a live connection when the stall starts as the ping goes out (statechange to awaitingPong)', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(server.url, options());
    await waitForState(socket, 'open');
    const stalls = stallAtNextPing(socket);

    await waitFor(() => stalls.count >= 1, 'the first ping, and the stall');
    await expectAnsweredPings(events, 2);
    expect(server.connections).toBe(1);
  });

  it('gives a late pong timer one more wait: a pong still on its way after the stall is awaited', async () => {
    const server = await startServer({ pingReply: 'pong' });
    server.pingReplyDelay = 20; // a slower network: the pong is not in the buffer when the stall ends
    const { socket, events } = createSocket(server.url, options());
    await waitForState(socket, 'open');
    await waitFor(() => countTransitions(events.states, 'awaitingPong', 'open') >= 1, 'an answered ping before the stall');
    const stalls = stallAtNextPing(socket);

    await waitFor(() => stalls.count >= 1, 'the stall');
    await expectAnsweredPings(events, 3); // the one before, two after
    expect(server.connections).toBe(1);
  });

  it('still detects a peer that is really dead after a stall (4000 heartbeat timeout), and reconnects', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(server.url, options());
    await waitForState(socket, 'open');
    server.goSilent();
    const stalls = stallAtNextPing(socket);

    // Detection: the late pong timer, one more wait, then closeTimeout (the peer never answers).
    await waitForState(socket, 'reconnectWait', STALL + INTERVAL + 2 * TIMEOUT + CLOSE_TIMEOUT + SLACK);

    expect(stalls.count).toBe(1);
    expect(events.states.slice(-4)).toEqual(['open', 'awaitingPong', 'closing', 'reconnectWait']);
    expect(events.closes).toEqual([{ ...HEARTBEAT_TIMEOUT_CLOSE, wasClean: false }]);
    await waitForState(socket, 'open');
    expect(server.connections).toBe(2);
  });
});

describe.each(IMPLEMENTATIONS)('a late pong timer, on a simulated clock (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  /** A socket open to a server that has gone half-open, its heartbeat on `clock`, about to ping. */
  async function silentPeer() {
    const clock = new SimulatedClock();
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WebSocket, { clock, heartbeat: { interval: INTERVAL, timeout: TIMEOUT, isPong }, closeTimeout: CLOSE_TIMEOUT }),
    );
    await waitForState(socket, 'open');
    server.goSilent();
    clock.increment(INTERVAL);
    expect(socket.state).toBe('awaitingPong');
    return { clock, socket, events };
  }

  it('earns exactly one more wait of heartbeat.timeout, then the dead peer is closed with 4000', async () => {
    const { clock, socket, events } = await silentPeer();

    clock.increment(10 * TIMEOUT); // the pong timer fires 450 ms late

    expect(socket.state).toBe('awaitingPong');
    clock.increment(TIMEOUT - 1);
    expect(socket.state).toBe('awaitingPong');
    clock.increment(1);
    expect(socket.state).toBe('closing');

    clock.increment(CLOSE_TIMEOUT); // the peer never answers the close frame
    expect(socket.state).toBe('reconnectWait');
    expect(events.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
  });

  it('earns it only once: a second late timer closes', async () => {
    const { clock, socket, events } = await silentPeer();

    clock.increment(10 * TIMEOUT);
    expect(socket.state).toBe('awaitingPong');
    clock.increment(10 * TIMEOUT);

    expect(socket.state).toBe('closing');
    expect(countTransitions(events.states, 'awaitingPong', 'closing')).toBe(1);
  });

  it('closes on time when the pong timer was not late', async () => {
    const { clock, socket } = await silentPeer();

    clock.increment(TIMEOUT);

    expect(socket.state).toBe('closing');
  });
});

describe.each(IMPLEMENTATIONS)('the close after a heartbeat failure (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  const heartbeat = { interval: INTERVAL, timeout: TIMEOUT, isPong };

  it('is 4000 "heartbeat timeout", not clean, for a dead peer that never answers the close frame; shouldReconnect gets the same', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const asked: CloseInfo[] = [];
    const { socket } = createSocket(
      server.url,
      fastOptions(WebSocket, {
        heartbeat,
        closeTimeout: CLOSE_TIMEOUT,
        reconnect: { delay: 30, minUptime: 60_000, shouldReconnect: (close) => (asked.push({ ...close }), true) },
      }),
    );
    const fromHandler: { isHeartbeatTimeout: boolean; code: number; reason: string; wasClean: boolean }[] = [];
    socket.onclose = (event) =>
      fromHandler.push({
        isHeartbeatTimeout: event.code === HEARTBEAT_TIMEOUT_CLOSE.code,
        code: event.code,
        reason: event.reason,
        wasClean: event.wasClean,
      });
    await waitForState(socket, 'open');
    await waitFor(() => server.pings >= 1, 'a first answered ping');

    server.goSilent();

    await waitFor(() => fromHandler.length === 1, 'the close event', INTERVAL + TIMEOUT + CLOSE_TIMEOUT + SLACK);
    expect(fromHandler).toEqual([{ isHeartbeatTimeout: true, code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
    expect(asked).toEqual([{ code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
    await waitForState(socket, 'open');
    expect(server.connections).toBe(2);
  });

  it('is 4000 "heartbeat timeout", clean, for a peer that answers the close frame; the app and shouldReconnect agree', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const asked: CloseInfo[] = [];
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WebSocket, {
        heartbeat,
        closeTimeout: 2000,
        reconnect: { delay: 30, minUptime: 60_000, shouldReconnect: (close) => (asked.push({ ...close }), false) },
      }),
    );
    await waitForState(socket, 'open');

    server.mute(); // reads, and ws still answers the close frame

    await waitForState(socket, 'closed', INTERVAL + TIMEOUT + SLACK);
    expect(events.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout', wasClean: true }]);
    expect(asked).toEqual(events.closes);
    await waitFor(() => server.closes.length === 1, 'the server to see the close');
    expect(server.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout' }]);
  });

  it('is 4000 even when the app closes while the dead peer is being closed', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WebSocket, { heartbeat, closeTimeout: 60_000 }),
    );
    await waitForState(socket, 'open');
    server.goSilent();
    await waitForState(socket, 'closing', INTERVAL + TIMEOUT + SLACK);

    socket.close();

    expect(socket.state).toBe('closed');
    await waitFor(() => events.closes.length === 1, 'the close event');
    expect(events.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
  });
});

describe('protocol ping frames from the server are proof of life (ws)', () => {
  afterEach(cleanup);

  const SERVER_PING_EVERY = 100;
  const heartbeat = { interval: 150, timeout: 100, isPong };

  /** A server that ignores the text 'ping' (muted), and a ws client whose heartbeat runs on `clock`. */
  async function pingingServer() {
    const clock = new SimulatedClock();
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(server.url, fastOptions(WsWebSocket, { clock, heartbeat, closeTimeout: CLOSE_TIMEOUT }));
    await waitForState(socket, 'open');
    server.mute();
    /** One protocol ping from the server, awaited until the client has heard it (its pong is back). */
    const serverPings = async () => {
      const pongs = server.protocolPongs;
      server.pingClients();
      await waitFor(() => server.protocolPongs > pongs, "the client's pong to the server's ping");
    };
    return { clock, server, socket, events, serverPings };
  }

  it('keeps a connection open whose peer pings every 100 ms and never answers the text ping: no ping needed', async () => {
    const { clock, server, socket, events, serverPings } = await pingingServer();

    for (let elapsed = 0; elapsed < 1500; elapsed += SERVER_PING_EVERY) {
      await serverPings();
      clock.increment(SERVER_PING_EVERY);
      expect(socket.state).toBe('open');
    }

    expect(events.closes).toEqual([]);
    expect(events.states).toEqual(['connecting', 'open']);
    expect(server.pings).toBe(0);
    expect(server.connections).toBe(1);
  });

  it("takes the server's ping frame as the answer to its own ping", async () => {
    const { clock, server, socket, events, serverPings } = await pingingServer();

    for (let round = 0; round < 5; round++) {
      clock.increment(heartbeat.interval); // silent for a whole interval: the client pings
      expect(socket.state).toBe('awaitingPong');
      clock.increment(heartbeat.timeout - 1);
      await serverPings(); // the muted server never answers 'ping'; its ping frame counts
      expect(socket.state).toBe('open');
    }
    clock.increment(heartbeat.timeout);

    expect(socket.state).toBe('open');
    expect(events.closes).toEqual([]);
    expect(countTransitions(events.states, 'awaitingPong', 'open')).toBe(5);
    expect(server.pings).toBe(5);
  });

  it('stays open for 1.5 s in real time while the server pings every 100 ms', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(server.url, fastOptions(WsWebSocket, { heartbeat, closeTimeout: CLOSE_TIMEOUT }));
    await waitForState(socket, 'open');
    server.mute();
    const pinger = setInterval(() => server.pingClients(), SERVER_PING_EVERY);
    onCleanup(() => clearInterval(pinger));

    await sleep(1500);

    expect(events.closes).toEqual([]);
    expect(socket.state).not.toBe('closing');
    expect(socket.readyState).toBe(1);
    expect(server.connections).toBe(1);
    expect(server.protocolPongs).toBeGreaterThanOrEqual(5);
  });
});
