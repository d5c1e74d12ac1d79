// The session handshake in the statechart alone (`connecting.handshake`), under a simulated clock:
// entered only with `handshakeTimeout`, its two waits, and what each outcome does in which order.
import { describe, expect, it } from 'vitest';
import { HANDSHAKE_TIMEOUT_CLOSE } from '../../machine/closes.js';
import { FAST, startMachine } from './harness.js';

// connectTimeout longer than the handshake's waits: each test times what it is about.
const fast = { ...FAST, connectTimeout: 5000 } as const;
const TIMEOUT = 300;

const resuming = () => startMachine(fast, { handshakeTimeout: TIMEOUT });
const inHandshake = (m: ReturnType<typeof startMachine>) => m.actor.getSnapshot().matches({ running: { live: { connecting: 'handshake' } } });

describe('the session handshake', () => {
  it('without resume, SOCKET.OPEN leads straight to open', () => {
    const m = startMachine(fast);
    m.open();
    expect(m.state).toBe('open');
    expect(m.order).toEqual(['flushQueue']);
  });

  it('with resume, the socket opening leaves the state connecting until the server answers', () => {
    const m = resuming();
    m.open();
    expect(m.state).toBe('connecting');
    expect(inHandshake(m)).toBe(true);
    m.actor.send({ type: 'SESSION.HELLO' });
    expect(m.state).toBe('connecting');
    expect(m.emitted).toEqual([]);
  });

  it('a session ready: the unacknowledged re-sent before the queue is flushed, then resume and open (resumed), then a held frame', () => {
    const m = resuming();
    m.open();
    m.actor.send({ type: 'SESSION.HELLO' });
    m.actor.send({ type: 'SESSION.READY', resumed: true, reason: null, sessionId: 's1' });
    expect(m.state).toBe('open');
    expect(m.order).toEqual(['endHandshake', 'flushQueue', 'deliverHeldFrame']);
    expect(m.emitted).toEqual([
      { type: 'resume', resumed: true, reason: null, sessionId: 's1' },
      { type: 'open', resumed: true },
    ]);
  });

  it('a failed resume opens with resumed: false and the reason', () => {
    const m = resuming();
    m.open();
    m.actor.send({ type: 'SESSION.HELLO' });
    m.actor.send({ type: 'SESSION.READY', resumed: false, reason: 'unknown', sessionId: 's2' });
    expect(m.emitted).toEqual([
      { type: 'resume', resumed: false, reason: 'unknown', sessionId: 's2' },
      { type: 'open', resumed: false },
    ]);
  });

  it('a first frame that is not hello: unsupported, open, then the held frame delivered', () => {
    const m = resuming();
    m.open();
    m.actor.send({ type: 'SESSION.READY', resumed: false, reason: 'unsupported', sessionId: null });
    expect(m.state).toBe('open');
    expect(m.order).toEqual(['endHandshake', 'flushQueue', 'deliverHeldFrame']);
    expect(m.emitted).toEqual([
      { type: 'resume', resumed: false, reason: 'unsupported', sessionId: null },
      { type: 'open', resumed: false },
    ]);
  });

  it('silence until the timeout: unsupported, open as plain — not a moment before', () => {
    const m = startMachine({ ...fast, heartbeat: { interval: 10_000, timeout: 50 } }, { handshakeTimeout: TIMEOUT });
    m.open();
    m.advance(TIMEOUT - 1);
    expect(m.state).toBe('connecting');
    m.advance(1);
    expect(m.state).toBe('open');
    expect(m.order).toEqual(['endHandshake', 'flushQueue', 'deliverHeldFrame']);
    expect(m.emitted).toEqual([
      { type: 'resume', resumed: false, reason: 'unsupported', sessionId: null },
      { type: 'open', resumed: false },
    ]);
  });

  it('hello, then no answer within the timeout: the socket is closed with 4002 (still connecting), and the policy decides', () => {
    const m = resuming();
    m.open();
    m.advance(TIMEOUT - 10);
    m.actor.send({ type: 'SESSION.HELLO' });
    // The answer gets a timeout of its own, counted from hello.
    m.advance(TIMEOUT - 1);
    expect(m.state).toBe('connecting');
    m.advance(1);
    expect(m.state).toBe('connecting');
    expect(m.sockets[0]!.commands).toEqual([{ type: 'CLOSE', ...HANDSHAKE_TIMEOUT_CLOSE }]);
    m.socketClosed(4002, 'session handshake timeout', true);
    expect(m.state).toBe('reconnectWait');
    expect(m.closes).toEqual([{ type: 'close', ...HANDSHAKE_TIMEOUT_CLOSE, wasClean: true }]);
    expect(m.emitted.some((e) => e.type === 'open')).toBe(false);
  });

  it('the handshake timer is gone once the session is ready', () => {
    const m = resuming();
    m.open();
    m.actor.send({ type: 'SESSION.HELLO' });
    m.actor.send({ type: 'SESSION.READY', resumed: false, reason: null, sessionId: 's1' });
    m.advance(TIMEOUT * 10);
    expect(m.closes).toEqual([]);
  });

  it('a busy connection acknowledges on the heartbeat timer, at least once per interval (the adapter sends an ack only with a session)', () => {
    for (const [handshakeTimeout, acks] of [
      [TIMEOUT, 4],
      [undefined, 4],
    ] as const) {
      const m = startMachine(fast, { handshakeTimeout });
      m.open();
      if (handshakeTimeout !== undefined) m.actor.send({ type: 'SESSION.READY', resumed: false, reason: null, sessionId: 's1' });
      // A message every quarter interval: the peer is never silent, so no ping, ever.
      for (let quarter = 0; quarter < 16; quarter++) {
        m.advance(fast.heartbeat.interval / 4);
        m.hear();
      }
      // At least one per interval (the timer re-arms for what is left of it after the last message).
      const sent = m.order.filter((action) => action === 'acknowledge').length;
      expect(sent).toBeGreaterThanOrEqual(acks);
      expect(m.pings()).toBe(0);
    }
  });

  it("the machine's own acknowledge is a no-op, not a missing implementation: a busy session without the adapter's stays open", () => {
    const m = startMachine(fast, { handshakeTimeout: TIMEOUT, machinesAcknowledge: true });
    m.open();
    m.actor.send({ type: 'SESSION.READY', resumed: false, reason: null, sessionId: 's1' });
    for (let quarter = 0; quarter < 8; quarter++) {
      m.advance(fast.heartbeat.interval / 4);
      m.hear();
    }
    expect(m.actor.getSnapshot().status).toBe('active');
    expect(m.state).toBe('open');
    expect(m.order).not.toContain('acknowledge');
    expect(m.pings()).toBe(0);
  });
});
