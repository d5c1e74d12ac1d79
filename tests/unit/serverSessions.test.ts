/**
 * The server half's sessions alone: the outbox's numbering and acks and the escaping as
 * properties (fast-check), and the sweep's acks and expiry at exact times the test sets (no
 * timer, no waiting), on stand-ins for open `ws` sockets.
 */
import fc from 'fast-check';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { DLE, escapeText, readText } from '../../adapters/server/sessions/frames.js';
import { resolveSessionSettings } from '../../adapters/server/sessions/options.js';
import { Outbox } from '../../adapters/server/sessions/outbox.js';
import type { Session, SessionEndReason } from '../../adapters/server/sessions/session.js';
import { createSessionSockets } from '../../adapters/server/sessions/sessionSockets.js';
import { MemorySessionStore } from '../../adapters/server/sessions/store.js';

describe('Outbox', () => {
  it('keeps exactly the messages after the last ack, in order, and their bytes', () => {
    const op = fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 50 }) }), fc.record({ ack: fc.nat() }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const outbox = new Outbox();
        const sizes: number[] = [];
        let acked = 0;
        for (const step of ops) {
          if ('push' in step) {
            outbox.push({ data: String(sizes.length + 1), binary: false, size: step.push });
            sizes.push(step.push);
          } else {
            const count = acked + (step.ack % (sizes.length - acked + 1)); // a possible ack
            outbox.ackUpTo(count);
            acked = count;
          }
          expect(outbox.acked).toBe(acked);
          expect(outbox.length).toBe(sizes.length - acked);
          expect(outbox.bytes).toBe(sizes.slice(acked).reduce((a, b) => a + b, 0));
        }
        for (let received = acked; received <= sizes.length; received++) {
          const after = [...outbox.after(received)].map((message) => Number(message.data));
          expect(after).toEqual(sizes.slice(received).map((_, i) => received + i + 1));
        }
      }),
    );
  });
});

describe('escaping', () => {
  it('gives back every app text frame as it was sent, never as a control frame', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((text) => DLE + text), fc.string().map((text) => DLE + DLE + text)), (text) => {
        const wire = Buffer.from(escapeText(text));
        const read = readText(wire);
        expect(read).toEqual({ app: Buffer.from(text) });
        expect(escapeText(Buffer.from(text)).equals(wire)).toBe(true);
      }),
    );
  });

  it('reads a control frame into its words', () => {
    expect(readText(Buffer.from(`${DLE}resume 1 abc 41`))).toEqual({ control: ['resume', '1', 'abc', '41'] });
  });
});

const TTL = 1000;

/** A stand-in for an open `ws` socket that records what is written to it. */
function fakeSocket() {
  const written: string[] = [];
  const ws = {
    readyState: 1,
    send(data: unknown) {
      written.push(String(data));
    },
    close() {
      ws.readyState = 3;
    },
  };
  return { ws: ws as unknown as WebSocket, written };
}

/** The sessions of a server whose clock the test sets, with one session begun on a socket. */
function withSession() {
  let clock = 0;
  const store = new MemorySessionStore();
  const sessions: Session[] = [];
  const ends: SessionEndReason[] = [];
  const settings = resolveSessionSettings({
    ttl: TTL,
    store,
    onSession: (session: Session) => {
      sessions.push(session);
      session.on('end', (reason) => ends.push(reason));
    },
  })!;
  const sockets = createSessionSockets(settings, { now: () => clock, isPing: () => false, defaultPing: true, onPing: undefined, onError: () => {} });
  const { ws, written } = fakeSocket();
  sockets.accept(ws, { url: '/?heartsocket-session=1' } as IncomingMessage);
  sockets.message(ws, Buffer.from(`${DLE}start 1`), false);
  return { sockets, store, ws, written, session: sessions[0]!, ends, setClock: (at: number) => (clock = at) };
}

describe('the sessions on the sweep', () => {
  it('expires a detached session exactly ttl after its socket went away, not a millisecond before', () => {
    const { sockets, ws, session, ends, store, setClock } = withSession();
    setClock(5000);
    sockets.closed(ws, 5000);
    sockets.sweep(5000 + TTL - 1);
    expect(ends).toEqual([]);
    sockets.sweep(5000 + TTL);
    expect(ends).toEqual(['expired']);
    expect(store.get(session.id)).toBeUndefined();
    expect(sockets.counts()).toEqual({ live: 0, resumed: 0, expired: 1 });
  });

  it('never expires an attached session', () => {
    const { sockets, ends } = withSession();
    sockets.sweep(100 * TTL);
    expect(ends).toEqual([]);
  });

  it('remembers an ended session for ttl (a resume says why), then forgets it', () => {
    const { sockets, session, store, setClock } = withSession();
    setClock(2000);
    session.close();
    sockets.sweep(2000); // the first sweep after the end starts its ttl
    sockets.sweep(2000 + TTL - 1);
    expect(store.get(session.id)).toBe(session);
    sockets.sweep(2000 + TTL);
    expect(store.get(session.id)).toBeUndefined();
  });

  it('acks on a sweep only what was received and not yet acknowledged', () => {
    const { sockets, ws, written } = withSession();
    const before = written.length;
    sockets.sweep(1);
    expect(written.length).toBe(before);
    sockets.message(ws, Buffer.from('a'), false);
    sockets.message(ws, Buffer.from('b'), false);
    sockets.sweep(2);
    sockets.sweep(3);
    expect(written.slice(before)).toEqual([`${DLE}ack 2`]);
  });
});
