// The live view's timeline and clocks, fed the state changes a socket goes through: outages with
// the right cause and detail, and countdowns computed from the socket's own settings.
import { describe, expect, it } from 'vitest';
import { causeOf, errorMessage, History, type StateChange } from '../../visualizations/page/live-view/history.js';
import { timingsFromSettings } from '../../visualizations/diagram/diagramWords.js';
import { duration } from '../../visualizations/page/live-view/format.js';
import { clocksOf, type ClockInputs } from '../../visualizations/page/live-view/timers.js';

// As a snapshot carries them through the relay: Infinity as a string.
const settings = { heartbeat: { enabled: true, interval: 1000, timeout: 400 }, connectTimeout: 2000, closeTimeout: 150, reconnect: { maxRetries: 'Infinity', minUptime: 5000 } };
const timings = timingsFromSettings(settings);
const OPEN = { running: { live: { connected: 'open' } } };
const change = (at: number, state: string, value: unknown, event?: StateChange['event']): StateChange => ({ at, state, value, event, timings });

describe('History', () => {
  it('a dead peer: one outage from the moment the pong was missed until open again, caused by the heartbeat', () => {
    const history = new History();
    history.record(change(0, 'connecting', { running: { live: 'connecting' } }, { type: 'xstate.init' }));
    history.record(change(10, 'open', OPEN, { type: 'SOCKET.OPEN' }));
    history.record(change(1010, 'awaitingPong', { running: { live: { connected: { awaitingPong: 'forPong' } } } }, { type: 'xstate.after.heartbeatInterval.x' }));
    history.record(change(1410, 'closing', { running: { live: { closing: 'deadPeer' } } }, { type: 'xstate.after.pendingInput.x' }));
    history.record(change(1560, 'reconnectWait', { running: { reconnectWait: 'backoff' } }, { type: 'xstate.after.closeTimeout.x' }));
    history.record(change(1700, 'connecting', { running: { live: 'connecting' } }, { type: 'xstate.after.reconnectDelay.x' }));
    history.noteError('connect ECONNREFUSED 127.0.0.1:9');
    history.record(change(1710, 'reconnectWait', { running: { reconnectWait: 'backoff' } }, { type: 'SOCKET.CLOSE', code: 1006, reason: '' }));
    expect(history.current).toMatchObject({ from: 1410, to: null, cause: 'heartbeat-timeout', failedAttempts: 1 });
    expect(history.current?.detail).toBe('heartbeat timeout: no pong within 400 ms');
    expect(history.current?.lastFailure).toBe('connect failed: 1006 — connect ECONNREFUSED 127.0.0.1:9');
    history.record(change(2000, 'connecting', { running: { live: 'connecting' } }, { type: 'xstate.after.reconnectDelay.x' }));
    history.record(change(2010, 'open', OPEN, { type: 'SOCKET.OPEN' }));
    expect(history.outages).toEqual([expect.objectContaining({ from: 1410, to: 2010, cause: 'heartbeat-timeout', ended: false })]);
    expect(history.spans.map((span) => span.state).join()).toBe('connecting,open,awaitingPong,closing,reconnectWait,connecting,reconnectWait,connecting,open');
    expect(history.spans.at(-1)).toEqual({ state: 'open', from: 2010, to: null });
  });

  it('names the server close code and reason; 1006 is a connection lost', () => {
    const history = new History();
    history.record(change(0, 'open', OPEN));
    history.record(change(5, 'reconnectWait', { running: { reconnectWait: 'backoff' } }, { type: 'SOCKET.CLOSE', code: 1008, reason: 'policy', wasClean: true }));
    expect(history.current).toMatchObject({ cause: 'server-close', detail: 'closed by the server: 1008 "policy"' });
    history.record(change(6, 'connecting', {}, { type: 'x' }));
    history.record(change(7, 'open', OPEN, { type: 'SOCKET.OPEN' }));
    history.record(change(8, 'reconnectWait', { running: { reconnectWait: 'backoff' } }, { type: 'SOCKET.CLOSE', code: 1006, reason: '' }));
    expect(history.current).toMatchObject({ cause: 'connection-lost', detail: 'connection lost: 1006' });
  });

  it('a first connection that never comes up is an outage from when connecting began; a final close ends it for good', () => {
    const history = new History();
    history.record(change(100, 'connecting', { running: { live: 'connecting' } }, { type: 'xstate.init' }));
    history.record(change(2100, 'reconnectWait', { running: { reconnectWait: 'backoff' } }, { type: 'xstate.after.connectTimeout.heartsocket.running.live.connecting' }));
    expect(history.current).toMatchObject({ from: 100, cause: 'connect-timeout', detail: 'connect timeout: no handshake within 2.0 s', failedAttempts: 1 });
    history.record(change(2200, 'closed', { closed: 'ended' }, { type: 'CLOSE' }));
    expect(history.current).toMatchObject({ ended: true, cause: 'connect-timeout' });
  });

  it('offline, at the start or later; reconnect() and close() are named as such', () => {
    const atStart = new History();
    atStart.record(change(0, 'reconnectWait', { running: { reconnectWait: 'offline' } }, { type: 'xstate.init' }));
    expect(atStart.current).toMatchObject({ cause: 'offline', from: 0 });

    const history = new History();
    history.record(change(0, 'open', OPEN));
    history.record(change(1, 'reconnectWait', { running: { reconnectWait: 'offline' } }, { type: 'NETWORK.OFFLINE' }));
    expect(history.current?.cause).toBe('offline');
    history.record(change(2, 'connecting', {}, { type: 'NETWORK.ONLINE' }));
    history.record(change(3, 'open', OPEN, { type: 'SOCKET.OPEN' }));
    history.record(change(4, 'connecting', {}, { type: 'RECONNECT' }));
    expect(history.current?.cause).toBe('reconnect');
    history.record(change(5, 'open', OPEN, { type: 'SOCKET.OPEN' }));
    history.record(change(6, 'closing', { running: { live: { closing: 'forGood' } } }, { type: 'CLOSE', code: 1000 }));
    history.record(change(7, 'closed', { closed: 'ended' }, { type: 'SOCKET.CLOSE', code: 1000, reason: '' }));
    expect(history.current).toMatchObject({ cause: 'app-close', ended: true, failedAttempts: 0 });
    expect(history.outages).toHaveLength(3);
  });

  it("the app's close() is not a failed attempt; a reconnect() after the end starts a new story", () => {
    const history = new History();
    history.record(change(0, 'open', OPEN));
    history.record(change(1, 'reconnectWait', { running: { reconnectWait: 'backoff' } }, { type: 'SOCKET.CLOSE', code: 1006, reason: '' }));
    history.record(change(2, 'closed', { closed: 'ended' }, { type: 'CLOSE' }));
    expect(history.current).toMatchObject({ cause: 'connection-lost', failedAttempts: 0, lastFailure: null, ended: true });
    history.record(change(3, 'connecting', { running: { live: 'connecting' } }, { type: 'RECONNECT' }));
    expect(history.current).toBeNull();
    expect(history.outages).toEqual([expect.objectContaining({ from: 1, to: 3, ended: true })]);

    // close() before the first connection came up: the app's choice, no outage at all.
    const early = new History();
    early.record(change(0, 'connecting', { running: { live: 'connecting' } }, { type: 'xstate.init' }));
    early.record(change(1, 'closed', { closed: 'ended' }, { type: 'CLOSE' }));
    expect(early.outages).toEqual([]);
  });

  it('a view that joins late starts a span but judges nothing it did not see', () => {
    const history = new History();
    history.record(change(0, 'open', OPEN));
    history.resume(50, 'reconnectWait');
    expect(history.outages).toEqual([]);
    expect(history.spans.map((span) => span.state)).toEqual(['open', 'reconnectWait']);
    history.record(change(60, 'connecting', { running: { live: 'connecting' } }, { type: 'xstate.after.reconnectDelay.x' }));
    history.record(change(70, 'open', OPEN, { type: 'SOCKET.OPEN' }));
    expect(history.outages).toEqual([]);
  });

  it('prunes what ended long ago', () => {
    const history = new History();
    history.record(change(0, 'open', OPEN));
    history.record(change(10, 'reconnectWait', { running: { reconnectWait: 'backoff' } }, { type: 'SOCKET.CLOSE', code: 1006, reason: '' }));
    history.record(change(20, 'open', OPEN, { type: 'SOCKET.OPEN' }));
    history.prune(60 * 60_000);
    expect(history.spans).toEqual([{ state: 'open', from: 20, to: null }]);
    expect(history.outages).toEqual([]);
  });
});

describe('error messages as the live view receives them', () => {
  it('takes what there is, and says null where a browser gave a bare Event', () => {
    expect(errorMessage({ name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1' })).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(errorMessage('[ErrorEvent: getaddrinfo ENOTFOUND nowhere]')).toBe('getaddrinfo ENOTFOUND nowhere');
    expect(errorMessage('[Event]')).toBeNull();
    expect(errorMessage(undefined)).toBeNull();
    expect(causeOf(change(0, 'reconnectWait', {}, { type: 'SOCKET.INVALID', reason: 'invalid url' }), 'connecting', null)).toEqual({ cause: 'invalid', detail: 'gave up: invalid url' });
  });
});

describe('clocksOf', () => {
  const base: ClockInputs = { state: 'open', value: OPEN, stateSince: 1000, leafSince: 1000, connectedSince: 1000, openSince: 1000, timings, retries: 0, retryDelay: 0, lastReceivedAt: null };

  it('open: the ping is due a whole interval after the peer was last heard', () => {
    // Without traffic the view only knows the earliest time: the peer may have spoken since.
    expect(clocksOf(base, 1200)).toEqual([{ id: 'ping', remaining: 800, text: 'ping at the earliest in 800 ms' }]);
    expect(clocksOf(base, 2500)).toEqual([{ id: 'ping', text: 'ping once the peer has been silent for 1.0 s (traffic not watched)' }]);
    const heard = clocksOf({ ...base, lastReceivedAt: 1500 }, 1700);
    expect(heard).toEqual([
      { id: 'ping', remaining: 800, text: 'ping in 800 ms' },
      { id: 'silence', text: 'peer silent for 200 ms' },
    ]);
    expect(clocksOf({ ...base, timings: timingsFromSettings({ ...settings, heartbeat: { enabled: false } }) }, 0)).toEqual([{ id: 'ping', text: 'heartbeat off' }]);
    expect(clocksOf({ ...base, timings: undefined }, 0)).toEqual([{ id: 'waiting', text: 'timers unknown: the source sent no settings' }]);
    // A message from the previous connection: the new one's handshake is the last thing heard.
    expect(clocksOf({ ...base, lastReceivedAt: 200, connectedSince: 1000 }, 1300)).toContainEqual({ id: 'silence', text: 'peer silent for 300 ms' });
  });

  it('awaitingPong, a late timer, closing, reconnectWait, connecting: the running timer and when it fires', () => {
    const pong = { ...base, state: 'awaitingPong', value: { running: { live: { connected: { awaitingPong: 'forPong' } } } } };
    expect(clocksOf(pong, 1100)[0]).toEqual({ id: 'pong', remaining: 300, text: 'pong due in 300 ms' });
    expect(clocksOf(pong, 2400)[0]?.text).toBe('pong due: overdue by 1.0 s');
    const late = { ...pong, value: { running: { live: { connected: { awaitingPong: 'forPongAgain' } } } }, leafSince: 5000 };
    expect(clocksOf(late, 5100)[0]?.text).toBe('the timer fired late, one more wait: pong due in 300 ms');
    expect(clocksOf({ ...base, state: 'closing', value: { running: { live: { closing: 'deadPeer' } } } }, 1050)[0]?.text).toBe('closing (dead peer): gives up in 100 ms');
    const retry = { ...base, state: 'reconnectWait', value: { running: { reconnectWait: 'backoff' } }, retries: 3, retryDelay: 2600, leafSince: 1000 };
    expect(clocksOf(retry, 1000)[0]?.text).toBe('retry #3 in 2.6 s');
    expect(clocksOf({ ...retry, timings: timingsFromSettings({ ...settings, reconnect: { maxRetries: 5 } }) }, 1000)[0]?.text).toBe('retry #3 of 5 in 2.6 s');
    expect(clocksOf({ ...base, state: 'connecting', value: {} }, 1500)[0]?.text).toBe('connect timeout in 1.5 s');
    expect(clocksOf({ ...base, state: 'connecting', value: {}, stateSince: null }, 1500)).toEqual([]);
    expect(clocksOf({ ...base, state: 'reconnectWait', value: { running: { reconnectWait: 'offline' } } }, 0)[0]?.id).toBe('waiting');
  });

  it('after retries, when the retry count resets; durations read as a person says them', () => {
    expect(clocksOf({ ...base, retries: 2, connectedSince: 1000 }, 2000).map((line) => line.id)).toEqual(['ping', 'backoff-reset']);
    expect([duration(850), duration(1234), duration(125_000), duration(-40)]).toEqual(['850 ms', '1.2 s', '2 min 5 s', '40 ms']);
    // Rounded before the unit is chosen: never "60.0 s" or "1 min 60 s".
    expect([duration(59_960), duration(119_700)]).toEqual(['1 min 0 s', '2 min 0 s']);
  });
});
