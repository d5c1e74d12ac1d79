/**
 * The sockets of sessions: the handshake on a flagged socket (`hello`, then `start` or `resume`),
 * the control frames after it (`ack`, `ping`), app frames routed to the session, the app's
 * `ws.send` routed through it, and the sweep's part (acks, expiry). One per server.
 *
 * The app's `ws.send` on a session socket is wrapped (an own `send`, one function shared by all
 * sockets): a message it sends is written into the session, counted and kept like
 * `session.send`. Sent before the handshake ends (in a `'connection'` listener, say), it waits
 * and goes into the session once there is one.
 */
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { NONE } from '../connection.js';
import type { ServerErrorHandler } from '../report.js';
import { report } from '../report.js';
import { controlFrame, PROTOCOL_VERSION, readCount } from '../../controlFrames.js';
import { readText } from './frames.js';
import { isSessionId, newSessionId } from './ids.js';
import type { SessionSettings } from './options.js';
import { Session, type SessionEndReason, type Wire } from './session.js';
import type { Written } from './outbox.js';
import { ReadyState } from '../../webSocketLike.js';

type Send = WebSocket['send'];
type SendCallback = (error?: Error) => void;

/** Why a resume failed, as `session <id> <reason>` says it. */
type FailedResume = 'unknown' | 'overflow' | 'ended' | 'mismatch';

/** What becomes of a socket's frames. */
const enum Phase {
  /** `hello` sent; waiting for `start` or `resume`. The app's sends wait in `pending`. */
  Handshake,
  /** On its session. */
  Attached,
  /** Off its session (taken over by a resume, closed for a protocol error, its session ended): frames are dropped. */
  Detached,
}

/** One flagged socket. */
class SessionLink implements Wire {
  phase = Phase.Handshake;
  session: Session | null = null;
  /** The app's sends before the handshake ended. */
  pending: { data: Written['data']; binary: boolean }[] | null = null;

  constructor(
    readonly ws: WebSocket,
    /** The upgrade request, for `authorize` and `onSession`: let go after the handshake (it holds the headers, the TCP socket's state). */
    public request: IncomingMessage | null,
    /** The socket's own `send`, from before ours. */
    readonly rawSend: Send,
  ) {}

  write(data: Written['data'], binary: boolean): void {
    if (this.ws.readyState === ReadyState.OPEN) this.rawSend.call(this.ws, data, { binary });
  }
}

/** The counts of the sessions, for `stats()`. */
export interface SessionCounts {
  live: number;
  resumed: number;
  expired: number;
}

export interface SessionSockets {
  /** A flagged socket was accepted: `hello` is its first frame. */
  accept(ws: WebSocket, request: IncomingMessage): void;
  /** A message on a watched socket: true when it was handled here (no app listener may see it). */
  message(ws: WebSocket, data: RawData, isBinary: boolean): boolean;
  /** The socket closed. */
  closed(ws: WebSocket, at: number): void;
  /** The sweep's part: acks owed, sessions expired, ended ones forgotten after `ttl`. */
  sweep(at: number): void;
  /** Writes a frame on a session socket, beside its session (uncounted): false for another socket. */
  writeRaw(ws: WebSocket, data: string): boolean;
  /** A socket's session, if it is on one. */
  sessionOf(ws: WebSocket): Session | undefined;
  /** How many sockets are session sockets now. */
  readonly sockets: number;
  counts(): SessionCounts;
  /** Puts back every socket's `send`, ends every session with `stopped`. */
  stop(at: number): void;
}

/**
 * Builds the session half of one server. `now` reads the clock; `onPing` is the heartbeat's
 * `onPing` hook (a `␐ping` is a heartbeat ping too).
 */
export function createSessionSockets(
  settings: SessionSettings,
  hooks: {
    now: () => number;
    /** Whether a text frame is the heartbeat's ping (answered by the heartbeat, never counted). */
    isPing: (data: Buffer) => boolean;
    /** Whether the ping is the default `ping`: on a confirmed session the client sends `␐ping <n>` instead, so a plain `ping` there is an app message. */
    defaultPing: boolean;
    onPing: ((ws: WebSocket) => void) | undefined;
    onError: ServerErrorHandler;
  },
): SessionSockets {
  const { store, ttl, maxMessages } = settings;
  const links = new Map<WebSocket, SessionLink>();
  // The app may still call `send` on a socket after its 'close' (its link is gone from `links`).
  const linkOf = new WeakMap<WebSocket, SessionLink>();
  let resumed = 0;
  let expired = 0;

  function send(this: WebSocket, data: unknown, options?: unknown, callback?: unknown): void {
    const link = linkOf.get(this);
    const cb = (typeof options === 'function' ? options : callback) as SendCallback | undefined;
    if (link === undefined) return Reflect.apply((Object.getPrototypeOf(this) as WebSocket).send, this, [data, options, callback]) as void; // eslint-disable-line @typescript-eslint/unbound-method -- applied with its `this`
    const binary = (typeof options === 'object' && options !== null ? (options as { binary?: boolean }).binary : undefined) ?? typeof data !== 'string';
    const message = data as Written['data'];
    let taken: boolean;
    if (link.phase === Phase.Handshake) {
      link.pending ??= [];
      taken = link.pending.length < maxMessages;
      if (taken) link.pending.push({ data: message, binary });
      // Not lost quietly: without a callback to tell, the caller is told by a throw.
      else if (cb === undefined) throw new RangeError(`heartsocket: ${maxMessages} messages (sessions.maxMessages) already wait for this socket's session handshake; the message was not sent.`);
    } else taken = link.session?.send(message, binary) ?? false;
    // As `ws` does for a closed socket: the callback gets the error (the session's 'end' says why).
    if (cb !== undefined) queueMicrotask(() => cb(taken ? undefined : new Error('heartsocket: the session has ended; the message was not sent.')));
  }

  const protocolError = (link: SessionLink, why: string): void => {
    detach(link, hooks.now());
    // A close reason is at most 123 bytes, and `why` may quote what the client sent, up to `ws`'s
    // maxPayload: cut to 123 characters first (no more can fit), then to 123 bytes.
    let reason = `heartsocket: ${why}`.slice(0, 123);
    while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
    link.ws.close(1002, reason);
  };

  function detach(link: SessionLink, at: number): void {
    const { session } = link;
    link.phase = Phase.Detached;
    if (session !== null && session.wire === link) session.detach(at);
  }

  function endSession(session: Session, why: SessionEndReason, at: number): void {
    if (why === 'expired') expired++;
    try {
      session.end(why, undefined, at);
    } catch (error) {
      report(hooks.onError, error, undefined); // an 'end' listener threw
    }
  }

  function newSession(link: SessionLink, failed: FailedResume | undefined): void {
    const session = new Session(newSessionId(), settings, hooks.now());
    store.set(session);
    link.write(failed === undefined ? controlFrame('session', session.id) : controlFrame('session', session.id, failed), false);
    const request = link.request!;
    settle(link, session, 0);
    if (settings.onSession === undefined) return;
    try {
      settings.onSession(session, request);
    } catch (error) {
      report(hooks.onError, error, link.ws);
    }
  }

  /** The link is on `session` now; the app's sends of the handshake go into it. */
  function settle(link: SessionLink, session: Session, received: number): void {
    link.session = session;
    link.phase = Phase.Attached;
    link.request = null;
    session.attach(link, received);
    const pending = link.pending;
    link.pending = null;
    for (const message of pending ?? []) session.send(message.data, message.binary);
  }

  function refused(request: IncomingMessage | null, session: Session, ws: WebSocket): boolean {
    if (settings.authorize === undefined) return false;
    try {
      return settings.authorize(request!, session) !== true;
    } catch (error) {
      report(hooks.onError, error, ws);
      return true;
    }
  }

  function resume(link: SessionLink, id: string, received: number): void {
    const session = store.get(id);
    if (session === undefined) return newSession(link, 'unknown');
    if (session.ended) return newSession(link, session.endReason === 'overflow' ? 'overflow' : 'ended');
    if (refused(link.request, session, link.ws)) return newSession(link, 'unknown');
    // The old socket first: `ws` still emits the frames it had buffered after a terminate(), and
    // they must not be counted now that the client's count is final.
    const old = session.wire as SessionLink | null;
    if (old !== null) {
      detach(old, hooks.now());
      old.ws.close(4003, 'session resumed elsewhere');
    }
    if (!session.canAck(received)) {
      endSession(session, 'mismatch', hooks.now());
      return newSession(link, 'mismatch');
    }
    resumed++;
    link.write(session.tellReceived('resumed'), false);
    settle(link, session, received);
    try {
      session.emit('resume', link.ws);
    } catch (error) {
      report(hooks.onError, error, link.ws);
    }
  }

  function handshake(link: SessionLink, words: string[]): void {
    const [name, version] = words;
    if (name !== 'start' && name !== 'resume') return protocolError(link, `expected start or resume, got ${name}`);
    if (version !== String(PROTOCOL_VERSION)) return protocolError(link, `unsupported protocol version ${version}`);
    if (name === 'start') {
      if (words.length !== 2) return protocolError(link, 'malformed start');
      return newSession(link, undefined);
    }
    const received = readCount(words[3]);
    if (words.length !== 4 || !isSessionId(words[2]) || received === undefined) return protocolError(link, 'malformed resume');
    resume(link, words[2], received);
  }

  function control(link: SessionLink, session: Session, words: string[]): void {
    const [name, field] = words;
    const count = readCount(field);
    if ((name === 'ack' || name === 'ping') && words.length === 2 && count !== undefined) {
      if (!session.canAck(count)) return protocolError(link, `${name} ${count} is more than the ${session.sent} sent`);
      session.outbox.ackUpTo(count);
      if (name === 'ack') return;
      link.write(session.tellReceived('pong'), false);
      if (hooks.onPing === undefined) return;
      try {
        hooks.onPing(link.ws);
      } catch (error) {
        report(hooks.onError, error, link.ws);
      }
      return;
    }
    protocolError(link, `unknown control frame ${name}`);
  }

  return {
    accept(ws, request) {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- applied with its `this`
      const link = new SessionLink(ws, request, ws.send);
      links.set(ws, link);
      linkOf.set(ws, link);
      ws.send = send as Send;
      link.write(controlFrame('hello', PROTOCOL_VERSION), false);
    },

    message(ws, data, isBinary) {
      const link = linkOf.get(ws); // one lookup for a plain socket too
      if (link === undefined) return false;
      if (link.phase === Phase.Detached) return true;
      if (!isBinary && (link.phase === Phase.Handshake || !hooks.defaultPing) && hooks.isPing(data as Buffer)) return false;
      const incoming: ReturnType<typeof readText> = isBinary ? { app: data as Buffer } : readText(data as Buffer);
      if (link.phase === Phase.Handshake) {
        if ('control' in incoming) handshake(link, incoming.control);
        else protocolError(link, 'an app frame before start or resume');
        return true;
      }
      const session = link.session!;
      if (session.ended) return true;
      if ('control' in incoming) control(link, session, incoming.control);
      else session.receive(isBinary ? data : incoming.app, isBinary);
      return true;
    },

    closed(ws, at) {
      const link = links.get(ws);
      if (link === undefined) return;
      links.delete(ws);
      detach(link, at);
    },

    sweep(at) {
      for (const session of store.values()) {
        if (session.ended) {
          // Remembered for `ttl` (a resume is told why), from the first sweep after its end.
          if (session.since === NONE) session.since = at;
          else if (at - session.since >= ttl) store.delete(session.id);
        } else if (session.wire !== null) session.sendAck();
        else if (session.since !== NONE && at - session.since >= ttl) {
          store.delete(session.id);
          endSession(session, 'expired', at);
        }
      }
    },

    writeRaw(ws, data) {
      const link = linkOf.get(ws);
      if (link === undefined) return false;
      link.write(data, false);
      return true;
    },

    sessionOf(ws) {
      const session = linkOf.get(ws)?.session;
      return session ?? undefined;
    },

    get sockets() {
      return links.size;
    },

    counts() {
      // Counted at the scrape, not kept: a session also ends by itself (`close()`, `overflow`).
      let live = 0;
      for (const session of store.values()) if (!session.ended) live++;
      return { live, resumed, expired };
    },

    stop(at) {
      for (const [ws, link] of links) {
        if (ws.send === (send as Send)) {
          // An own `send` from before ours is put back; else the prototype's shows through again.
          if ((Object.getPrototypeOf(ws) as WebSocket).send === link.rawSend) delete (ws as Partial<Pick<WebSocket, 'send'>>).send;
          else ws.send = link.rawSend;
        }
        linkOf.delete(ws);
      }
      links.clear();
      for (const session of [...store.values()]) {
        if (!session.ended) endSession(session, 'stopped', at);
        store.delete(session.id);
      }
    },
  };
}
