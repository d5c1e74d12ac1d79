// A live view session's bookkeeping, fed snapshots as the view receives them: when the state and
// its leaf were entered (re-entry restarts their timers), what a view that joins late cannot
// know, and the settings read once per snapshot.
import { describe, expect, it } from 'vitest';
import { Session } from '../../visualizations/page/live-view/session.js';

const CONNECTING = 'heartsocket.running.live.connecting';
const OPEN = 'heartsocket.running.live.connected.open';
const settings = { heartbeat: { enabled: true, interval: 300, timeout: 450 }, reconnect: { maxRetries: 'Infinity' } };
const snapshot = (value: unknown, event = 'x') => ({ value, context: { settings, retries: 0 }, event: { type: event } });

describe('Session.applySnapshot', () => {
  it('keeps when the state, its leaf and the connection began; re-entry restarts the state and the leaf', () => {
    const session = new Session('x:0', 'page', 1);
    expect(session.applySnapshot(100, snapshot({ running: { live: 'connecting' } }, 'xstate.init'), 'connecting', CONNECTING, false)).toBeNull();
    expect([session.stateSince, session.leafSince]).toEqual([100, 100]);

    // reconnect() while connecting: `live` is re-entered, connectTimeout starts again.
    session.noteReentry(['heartsocket.running.live']);
    expect(session.applySnapshot(900, snapshot({ running: { live: 'connecting' } }, 'RECONNECT'), 'connecting', CONNECTING, false)).toBe('connecting');
    expect([session.stateSince, session.leafSince]).toEqual([900, 900]);

    session.applySnapshot(950, snapshot({ running: { live: { connected: 'open' } } }, 'SOCKET.OPEN'), 'open', OPEN, false);
    expect([session.stateSince, session.openSince, session.connectedSince]).toEqual([950, 950, 950]);
    // The heartbeat timer re-enters open after hearing the peer: the state restarts, not the connection.
    session.noteReentry([OPEN]);
    session.applySnapshot(1250, snapshot({ running: { live: { connected: 'open' } } }), 'open', OPEN, false);
    expect([session.stateSince, session.openSince, session.connectedSince]).toEqual([1250, 950, 950]);
    // A re-entry elsewhere in the step does not touch the current leaf.
    session.noteReentry([CONNECTING]);
    session.applySnapshot(1300, snapshot({ running: { live: { connected: 'open' } } }), 'open', OPEN, false);
    expect(session.stateSince).toBe(1250);
    expect(session.timings?.heartbeat.timeout).toBe(450);
    expect(session.timings?.reconnect.maxRetries).toBe(Infinity);
  });

  it('a view that joins late does not know when the states began, and judges nothing', () => {
    const session = new Session('x:0', 'relay', 1);
    session.applySnapshot(100, snapshot({ running: { reconnectWait: 'backoff' } }, 'heartsocket.watch'), 'reconnectWait', 'heartsocket.running.reconnectWait.backoff', true);
    expect([session.stateSince, session.leafSince, session.openSince]).toEqual([null, null, null]);
    expect(session.history.outages).toEqual([]);
    expect(session.history.spans).toEqual([{ state: 'reconnectWait', from: 100, to: null }]);
  });

  it('without settings in the context, no timings (the clocks say they are unknown)', () => {
    const session = new Session('x:0', 'relay', 1);
    session.applySnapshot(0, { value: 'x', context: {}, event: undefined }, 'open', OPEN, false);
    expect(session.timings).toBeUndefined();
  });
});
