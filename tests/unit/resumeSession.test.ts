// heartsocket/resume's session logic alone (no sockets, no timers): escaping, the query flag, the
// bounded buffer of unacknowledged messages, and exactly-once delivery across any cuts (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../machine/settings.js';
import type { SendData, SocketEvent } from '../../machine/types.js';
import type { HeartSocketError } from '../../adapters/errors.js';
import { SESSION_FLAG } from '../../adapters/controlFrames.js';
import { escapeAppData, isControlFrame, unescapeAppData, withSessionFlag } from '../../adapters/resume/frames.js';
import { RESUME_DEFAULTS, resolveResumeSettings } from '../../adapters/resume/options.js';
import { Session } from '../../adapters/resume/session.js';
import { UnacknowledgedBuffer } from '../../adapters/resume/unacknowledged.js';

const DLE = '\u0010';
const text = fc.string({ unit: fc.constantFrom('a', 'b', DLE, ' ', 'é') });

describe('escaping', () => {
  it('any app text survives escaping, and an escaped frame is never a control frame', () => {
    fc.assert(
      fc.property(text, (data) => {
        const sent = escapeAppData(data);
        expect(isControlFrame(sent)).toBe(false);
        expect(unescapeAppData(sent)).toBe(data);
      }),
    );
  });

  it('binary data is never touched', () => {
    const bytes = new Uint8Array([0x10, 1]);
    expect(escapeAppData(bytes)).toBe(bytes);
    expect(unescapeAppData(bytes)).toBe(bytes);
  });
});

describe('the query flag', () => {
  it('is added once, keeping the query and the hash as they were', () => {
    fc.assert(
      fc.property(
        fc.option(fc.stringMatching(/^[a-z0-9=&%+]{0,12}$/), { nil: undefined }),
        fc.option(fc.stringMatching(/^[a-z0-9?=&]{0,8}$/), { nil: undefined }),
        (query, hash) => {
          const url = `wss://example.com/feed${query === undefined ? '' : `?${query}`}${hash === undefined ? '' : `#${hash}`}`;
          const flagged = withSessionFlag(url);
          const [before, ...hashParts] = flagged.split('#');
          // The hash is kept as it was, and the flag goes before it.
          expect(hashParts.join('#')).toBe(hash ?? '');
          expect(flagged.includes('#')).toBe(hash !== undefined);
          // The query is kept as it was (not re-encoded), the flag after it.
          const flaggedQuery = before!.slice(before!.indexOf('?') + 1);
          expect(flaggedQuery.startsWith(query ?? '')).toBe(true);
          expect(flaggedQuery.endsWith(SESSION_FLAG)).toBe(true);
          expect(flaggedQuery.length - (query ?? '').length).toBeLessThanOrEqual(SESSION_FLAG.length + 1);
        },
      ),
    );
    expect(withSessionFlag('ws://h/p?a=1#x')).toBe(`ws://h/p?a=1&${SESSION_FLAG}#x`);
    expect(withSessionFlag('ws://h/p')).toBe(`ws://h/p?${SESSION_FLAG}`);
  });
});

describe('resumable() options', () => {
  it('defaults, and errors naming the option and the value', () => {
    expect(resolveResumeSettings(undefined)).toEqual(RESUME_DEFAULTS);
    expect(() => resolveResumeSettings({ maxMessages: 0 })).toThrow(RangeError);
    expect(() => resolveResumeSettings({ maxMessages: 0 })).toThrow(/resume\.maxMessages.*got 0/);
    expect(() => resolveResumeSettings({ timeout: '1s' })).toThrow(TypeError);
    // A timer cannot wait past 2³¹ − 1 ms: a longer handshake timeout would fire at once.
    expect(() => resolveResumeSettings({ timeout: 2 ** 31 })).toThrow(RangeError);
    expect(() => resolveResumeSettings({ timeout: 2 ** 31 })).toThrow(/options\.resume\.timeout .*≤ 2147483647.* got 2147483648/);
    expect(() => resolveResumeSettings({ timeout: 0 })).toThrow(/options\.resume\.timeout/);
    expect(resolveResumeSettings({ timeout: 2 ** 31 - 1 }).timeout).toBe(2 ** 31 - 1);
    expect(() => resolveResumeSettings({ ackEvery: Infinity })).toThrow(/resume\.ackEvery/);
    expect(() => resolveResumeSettings({ maxMesages: 1 })).toThrow(/unknown option resume\.maxMesages/);
    expect(() => resolveResumeSettings(5)).toThrow(TypeError);
  });
});

describe('the unacknowledged buffer', () => {
  it('keeps exactly the messages after the last acknowledgement, and their bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.record({ push: text }), fc.record({ ack: fc.nat(40) }))), (steps) => {
        const buffer = new UnacknowledgedBuffer(Infinity, Infinity);
        const all: string[] = [];
        let acked = 0;
        for (const step of steps) {
          if ('push' in step) {
            buffer.push(step.push);
            all.push(step.push);
          } else {
            const ok = buffer.acknowledge(step.ack);
            expect(ok).toBe(step.ack <= all.length);
            if (ok) acked = Math.max(acked, step.ack);
          }
        }
        const kept = all.slice(acked);
        expect(buffer.frames()).toEqual(kept);
        expect(buffer.sent).toBe(all.length);
        expect(buffer.bytes).toBe(kept.reduce((sum, s) => sum + new TextEncoder().encode(s).byteLength, 0));
      }),
    );
  });

  it('refuses at the bound (messages or bytes, queued ones counted), and keeps nothing of the refused', () => {
    const buffer = new UnacknowledgedBuffer(3, 10);
    buffer.push('12345');
    expect(() => buffer.admit('x', 2, 0)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }) as Error);
    expect(() => buffer.admit('123456', 0, 0)).toThrow(/maxBytes = 10/);
    buffer.admit('12345', 0, 0);
    expect(buffer.length).toBe(1);
  });
});

/** A socket that records what it was given, and whether it was closed. */
class FakeSocket {
  readonly frames: SendData[] = [];
  closed: number | null = null;
  send(data: SendData): void {
    this.frames.push(data);
  }
  close(code?: number): void {
    this.closed = code ?? 1000;
  }
}

const reporter = () => {
  const events: SocketEvent[] = [];
  return { events, sendBack: (event: SocketEvent) => void events.push(event) };
};

function newSession(options = {}) {
  const handedBack: { messages: SendData[]; error: HeartSocketError }[] = [];
  const session = new Session(resolveResumeSettings(options), { onUndelivered: (messages, error) => handedBack.push({ messages, error }) }, DEFAULT_SETTINGS.heartbeat);
  return { session, handedBack };
}

describe('a session across cut links', () => {
  it('every client message reaches the server exactly once and in order, whatever was lost in flight', () => {
    fc.assert(
      fc.property(
        // Rounds: messages sent on one socket, and how many of its frames got through before the cut.
        fc.array(fc.record({ messages: fc.array(text, { maxLength: 6 }), delivered: fc.nat(8) }), { minLength: 1, maxLength: 6 }),
        (rounds) => {
          const { session, handedBack } = newSession();
          const serverReceived: string[] = [];
          const everything: string[] = [];
          for (const [index, round] of rounds.entries()) {
            const socket = new FakeSocket();
            const events = reporter();
            session.open(socket);
            session.receive(socket, `${DLE}hello 1`, events);
            const answer = index === 0 ? `${DLE}session s1` : `${DLE}resumed ${serverReceived.length}`;
            socket.frames.length = 0; // the start/resume frame
            session.receive(socket, answer, events);
            expect(events.events.at(-1)).toMatchObject({ type: 'SESSION.READY', resumed: index > 0 });
            expect(session.endHandshake()).toBe(socket);
            for (const message of round.messages) {
              everything.push(message);
              socket.send(session.written(message));
            }
            // The cut: only the first `delivered` frames (re-sent, then new) reach the server.
            for (const frame of socket.frames.slice(0, round.delivered)) serverReceived.push(unescapeAppData(frame) as string);
            session.detach(socket);
          }
          // One last, clean round delivers everything still unacknowledged.
          const socket = new FakeSocket();
          session.open(socket);
          session.receive(socket, `${DLE}hello 1`, reporter());
          socket.frames.length = 0;
          session.receive(socket, `${DLE}resumed ${serverReceived.length}`, reporter());
          session.endHandshake();
          for (const frame of socket.frames) serverReceived.push(unescapeAppData(frame) as string);
          expect(serverReceived).toEqual(everything);
          expect(handedBack).toEqual([]);
        },
      ),
    );
  });

  it('counts what the app received, acks it on the heartbeat ping, and resumes from it', () => {
    const { session } = newSession({ ackEvery: 1000 });
    const socket = new FakeSocket();
    session.open(socket);
    session.receive(socket, `${DLE}hello 1`, reporter());
    expect(socket.frames).toEqual([`${DLE}start 1`]);
    session.receive(socket, `${DLE}session s9`, reporter());
    session.endHandshake();
    expect(session.receive(socket, 'one', reporter())).toBe('one');
    expect(session.receive(socket, `${DLE}${DLE}two`, reporter())).toBe(`${DLE}two`);
    expect(session.pingFrame()).toBe(`${DLE}ping 2`);
    expect(session.info).toMatchObject({ id: 's9', received: 2, unacknowledgedReceived: 0 });
    session.detach(socket);
    // A detached socket's frames do not count.
    expect(session.receive(socket, 'late', reporter())).toBeUndefined();
    const next = new FakeSocket();
    session.open(next);
    session.receive(next, `${DLE}hello 1`, reporter());
    expect(next.frames).toEqual([`${DLE}resume 1 s9 2`]);
  });

  it('one threshold ack per run of messages delivered together, with the last count, when the run ends', async () => {
    const { session } = newSession({ ackEvery: 2 });
    const socket = new FakeSocket();
    session.open(socket);
    session.receive(socket, `${DLE}hello 1`, reporter());
    session.receive(socket, `${DLE}session s1`, reporter());
    session.endHandshake();
    socket.frames.length = 0; // the start frame
    // One synchronous run, as a socket delivers the messages of one read: five, past ackEvery twice.
    for (const text of ['1', '2', '3', '4', `${DLE}${DLE}5`]) session.receive(socket, text, reporter());
    expect(socket.frames).toEqual([]);
    await Promise.resolve(); // the run ends
    expect(socket.frames).toEqual([`${DLE}ack 5`]);
    expect(session.info.unacknowledgedReceived).toBe(0);
    // The next run: one message, below the threshold, no ack; a second one reaches it.
    session.receive(socket, '6', reporter());
    await Promise.resolve();
    expect(socket.frames).toEqual([`${DLE}ack 5`]);
    session.receive(socket, '7', reporter());
    await Promise.resolve();
    expect(socket.frames).toEqual([`${DLE}ack 5`, `${DLE}ack 7`]);
  });

  it('a threshold ack due when the socket is let go is not written: the resume carries the count', async () => {
    const { session } = newSession({ ackEvery: 1 });
    const socket = new FakeSocket();
    session.open(socket);
    session.receive(socket, `${DLE}hello 1`, reporter());
    session.receive(socket, `${DLE}session s1`, reporter());
    session.endHandshake();
    socket.frames.length = 0;
    session.receive(socket, 'one', reporter());
    session.detach(socket);
    await Promise.resolve();
    expect(socket.frames).toEqual([]);
    const next = new FakeSocket();
    session.open(next);
    session.receive(next, `${DLE}hello 1`, reporter());
    expect(next.frames).toEqual([`${DLE}resume 1 s1 1`]);
  });

  it('a failed resume hands the unacknowledged back as RESUME_FAILED and starts counting again', () => {
    const { session, handedBack } = newSession();
    const socket = new FakeSocket();
    session.open(socket);
    session.receive(socket, `${DLE}hello 1`, reporter());
    session.receive(socket, `${DLE}session s1`, reporter());
    session.endHandshake();
    session.written('a');
    session.written(`${DLE}b`);
    session.detach(socket);
    const next = new FakeSocket();
    const events = reporter();
    session.open(next);
    session.receive(next, `${DLE}hello 1`, events);
    session.receive(next, `${DLE}session s2 overflow`, events);
    expect(events.events.at(-1)).toEqual({ type: 'SESSION.READY', resumed: false, reason: 'overflow', sessionId: 's2' });
    expect(handedBack).toHaveLength(1);
    expect(handedBack[0]!.messages).toEqual(['a', `${DLE}b`]);
    expect(handedBack[0]!.error.code).toBe('RESUME_FAILED');
    expect(session.info).toMatchObject({ id: 's2', sent: 0, received: 0, unacknowledgedSent: 0 });
  });

  it('a protocol error closes the socket with 1002 and reports it', () => {
    const { session } = newSession();
    const socket = new FakeSocket();
    const events = reporter();
    session.open(socket);
    session.receive(socket, `${DLE}hello 1`, events);
    session.receive(socket, 'an app frame before the answer', events);
    expect(socket.closed).toBe(1002);
    expect(events.events.at(-1)).toMatchObject({ type: 'SOCKET.ERROR' });
    expect(session.active).toBe(false);
  });

  it('an ack of more than was sent is a protocol error', () => {
    const { session } = newSession();
    const socket = new FakeSocket();
    const events = reporter();
    session.open(socket);
    session.receive(socket, `${DLE}hello 1`, events);
    session.receive(socket, `${DLE}session s1`, events);
    session.endHandshake();
    session.receive(socket, `${DLE}ack 1`, events);
    expect(socket.closed).toBe(1002);
  });

  it('heartbeat messages are not app messages: custom pongs uncounted; with the default texts a plain pong is the app\'s', () => {
    const isPong = (data: unknown) => data === 'pong';
    const confirmed = (heartbeat: typeof DEFAULT_SETTINGS.heartbeat) => {
      const session = new Session(resolveResumeSettings({}), { onUndelivered: () => {} }, heartbeat);
      const socket = new FakeSocket();
      session.open(socket);
      session.receive(socket, `${DLE}hello 1`, reporter());
      session.receive(socket, `${DLE}session s1`, reporter());
      session.endHandshake();
      return { session, socket };
    };
    const defaults = confirmed(DEFAULT_SETTINGS.heartbeat);
    expect(defaults.session.receive(defaults.socket, 'pong', reporter(), isPong)).toBe('pong');
    expect(defaults.session.info.received).toBe(1);
    const custom = confirmed({ ...DEFAULT_SETTINGS.heartbeat, message: '{"ping":1}', isPong });
    expect(custom.session.receive(custom.socket, 'pong', reporter(), isPong)).toBeUndefined();
    expect(custom.session.info.received).toBe(0);
    expect(custom.session.pingFrame()).toBeUndefined(); // custom texts: acks are explicit frames
  });
});

