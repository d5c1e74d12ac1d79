/**
 * The server half's sessions alone: the outbox's numbering and acks and the escaping as
 * properties (fast-check), and the sweep's acks and expiry at exact times the test sets (no
 * timer, no waiting), on stand-ins for open `ws` sockets.
 */
import fc from 'fast-check';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { DLE } from '../../adapters/controlFrames.js';
import { escapeText, readText } from '../../adapters/server/sessions/frames.js';
import { resolveSessionSettings } from '../../adapters/server/sessions/options.js';
import { Outbox } from '../../adapters/server/sessions/outbox.js';
import type { Session, SessionEndReason } from '../../adapters/server/sessions/session.js';
import { createSessionSockets } from '../../adapters/server/sessions/sessionSockets.js';
import { MemorySessionStore } from '../../adapters/server/sessions/store.js';
import { wsText } from '../support/text.js';

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

/**
 * A model client speaking the protocol to the server's session sockets over stand-in sockets
 * whose frames the test delivers, loses, or delivers late, step by step.
 */
class ModelClient {
  /** Every app message the client's app sent, and the ones the server has not acknowledged (numbered). */
  readonly sent: string[] = [];
  unacked: { n: number; text: string }[] = [];
  /** The server's app messages the client's app received. */
  readonly received: string[] = [];
  id: string | undefined;
  /** Frames on their way, on the current socket. */
  toServer: string[] = [];
  toClient: string[] = [];
  /** The current stand-in socket; undefined while disconnected. */
  socket: (WebSocket & { readyState: number }) | undefined;
  handshaking = false;
  /** Frames of a lost socket the server has not read yet (`ws` emits them after a terminate()). */
  late: { ws: WebSocket; frames: string[] } | undefined;

  constructor(private readonly sockets: ReturnType<typeof createSessionSockets>) {}

  connect(): void {
    const toClient: string[] = [];
    this.toClient = toClient;
    this.toServer = [];
    const ws = {
      readyState: 1,
      send: (data: unknown) => toClient.push(String(data)),
      close: () => void (ws.readyState = 3),
    };
    this.socket = ws as unknown as WebSocket & { readyState: number };
    this.handshaking = true;
    this.sockets.accept(this.socket, { url: '/?heartsocket-session=1' } as IncomingMessage);
    // The handshake goes through (its own losses are the client's business: it starts again).
    this.deliverToClient(1); // hello
    this.deliverToServer(1); // start or resume
    this.deliverToClient(1); // session or resumed
  }

  /** The client's app sends: numbered, kept until acknowledged; written unless the handshake is on. */
  send(text: string): void {
    this.sent.push(text);
    this.unacked.push({ n: this.sent.length, text });
    if (this.socket !== undefined && !this.handshaking) this.toServer.push(escapeText(text));
  }

  ping(): void {
    if (this.socket !== undefined && !this.handshaking) this.toServer.push(`${DLE}ping ${this.received.length}`);
  }

  /** Delivers the next `count` frames to the server. */
  deliverToServer(count: number): void {
    for (const frame of this.toServer.splice(0, count)) this.sockets.message(this.socket!, Buffer.from(frame), false);
  }

  /** Delivers the next `count` frames to the client. */
  deliverToClient(count: number): void {
    for (const frame of this.toClient.splice(0, count)) {
      const read = readText(Buffer.from(frame));
      if ('app' in read) {
        this.received.push(read.app.toString());
        continue;
      }
      const [name, first, second] = read.control;
      if (name === 'hello') {
        this.toServer.push(this.id === undefined ? `${DLE}start 1` : `${DLE}resume 1 ${this.id} ${this.received.length}`);
      } else if (name === 'session') {
        expect(second).toBeUndefined(); // no resume may fail here
        this.id = first;
        this.open(0);
      } else if (name === 'resumed') this.open(Number(first));
      else if (name === 'ack' || name === 'pong') this.acked(Number(first));
      else throw new Error(`unexpected ${frame}`);
    }
  }

  /** `resumed n`: the server has the first n; the rest is re-sent, in order. */
  private open(serverReceived: number): void {
    this.handshaking = false;
    this.acked(serverReceived);
    for (const { text } of this.unacked) this.toServer.push(escapeText(text));
  }

  private acked(count: number): void {
    this.unacked = this.unacked.filter(({ n }) => n > count);
  }

  /** The link is lost: what was on its way is lost, or (late) read by the server later on the old socket. */
  disconnect(noticed: boolean, late: boolean): void {
    const ws = this.socket!;
    ws.readyState = 3;
    if (late) this.late = { ws, frames: this.toServer };
    if (noticed) this.sockets.closed(ws, 0);
    this.socket = undefined;
    this.toServer = [];
    this.toClient = [];
  }

  /** The old socket's frames, read now (after the session may have moved on). */
  deliverLate(): void {
    const late = this.late;
    this.late = undefined;
    for (const frame of late?.frames ?? []) this.sockets.message(late!.ws, Buffer.from(frame), false);
  }
}

describe('exactly once, in order, across lost links (a model client against the session sockets)', () => {
  const step = fc.oneof(
    { arbitrary: fc.record({ serverSends: fc.boolean() }), weight: 4 },
    { arbitrary: fc.record({ clientSends: fc.boolean() }), weight: 4 },
    { arbitrary: fc.constant({ ping: true }), weight: 1 },
    { arbitrary: fc.record({ toServer: fc.integer({ min: 1, max: 4 }) }), weight: 3 },
    { arbitrary: fc.record({ toClient: fc.integer({ min: 1, max: 4 }) }), weight: 3 },
    { arbitrary: fc.record({ lost: fc.boolean(), late: fc.boolean() }), weight: 1 },
    { arbitrary: fc.constant({ reconnect: true }), weight: 1 },
    { arbitrary: fc.constant({ deliverLate: true }), weight: 1 },
  );

  it('delivers every message of both apps once and in order, whatever is lost, late or re-sent', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 150, size: 'max' }), (steps) => {
        let session: Session | undefined;
        const delivered: string[] = [];
        const serverSent: string[] = [];
        const settings = resolveSessionSettings({
          ackEvery: 3,
          onSession: (created: Session) => {
            expect(session).toBeUndefined(); // one session: no resume fails
            session = created;
            created.on('message', (data) => delivered.push(wsText(data)));
          },
        })!;
        const sockets = createSessionSockets(settings, { now: () => 0, isPing: () => false, defaultPing: true, onPing: undefined, onError: (error) => { throw error; } });
        const client = new ModelClient(sockets);
        client.connect();
        for (const s of steps) {
          if ('serverSends' in s && session !== undefined) {
            const text = `${s.serverSends ? DLE : ''}s${serverSent.length + 1}`;
            serverSent.push(text);
            expect(session.send(text)).toBe(true);
          } else if ('clientSends' in s) client.send(`${s.clientSends ? DLE : ''}c${client.sent.length + 1}`);
          else if ('ping' in s) client.ping();
          else if ('toServer' in s && client.socket !== undefined) client.deliverToServer(s.toServer);
          else if ('toClient' in s && client.socket !== undefined) client.deliverToClient(s.toClient);
          else if ('lost' in s && client.socket !== undefined && client.late === undefined) client.disconnect(s.lost, s.late);
          else if ('reconnect' in s && client.socket === undefined) client.connect();
          else if ('deliverLate' in s) client.deliverLate();
        }
        // Heal: a connected socket, everything delivered both ways until nothing moves.
        if (client.socket === undefined) client.connect();
        client.deliverLate();
        while (client.toServer.length + client.toClient.length > 0) {
          client.deliverToServer(client.toServer.length);
          client.deliverToClient(client.toClient.length);
        }
        expect(delivered).toEqual(client.sent);
        expect(client.received).toEqual(serverSent);
      }),
      { numRuns: 300 },
    );
  });
});
