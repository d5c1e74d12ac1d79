/**
 * One client session: it survives reconnects. Counts what the app wrote into it and what it
 * received from the client, keeps what the client has not acknowledged (./outbox.ts), and is
 * attached to at most one socket at a time (./sessionSockets.ts attaches and detaches it).
 */
import { EventEmitter } from 'node:events';
import type { RawData, WebSocket } from 'ws';
import { describeValue } from '../../../machine/optionErrors.js';
import { NONE } from '../connection.js';
import { controlFrame } from '../../controlFrames.js';
import { escapeText } from './frames.js';
import { Outbox, type Written } from './outbox.js';

/**
 * Why a session ended:
 * - `expired`: its socket went away `ttl` ago and no resume came;
 * - `overflow`: what the client had not acknowledged outgrew `maxMessages` or `maxBytes`;
 * - `closed`: the app called `session.close()`;
 * - `mismatch`: a resume's counts did not add up (the client said it received more than was sent);
 * - `stopped`: the heartbeat was stopped (`heartbeats.stop()`, or the server closed).
 *
 * @example
 * ```ts
 * session.on('end', (reason: SessionEndReason) => log.info('session ended', reason));
 * ```
 */
export type SessionEndReason = 'expired' | 'overflow' | 'closed' | 'mismatch' | 'stopped';

/**
 * The events of a {@link Session}.
 *
 * @example
 * ```ts
 * const events: (keyof SessionEvents)[] = ['message', 'resume', 'end'];
 * ```
 */
export interface SessionEvents {
  /** An app message of the client, exactly once and in order, whatever socket it came on. */
  message: [data: RawData, isBinary: boolean];
  /** The client resumed the session on a new socket (the old one is closed 4003). */
  resume: [ws: WebSocket];
  /** The session ended; nothing more is sent or received. */
  end: [reason: SessionEndReason];
}

/** What a session writes through: the socket it is attached to. */
export interface Wire {
  readonly ws: WebSocket;
  /** Writes a frame now, uncounted, if the socket is open (else it waits for a resume). */
  write(data: Written['data'], binary: boolean): void;
}

/** What a session is bounded by (the `sessions` options). */
export interface SessionLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly ackEvery: number;
}

const sizeOf = (data: Written['data']): number => (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);

/**
 * A resumable session, as `onSession` gets it. Messages go both ways exactly once and in order
 * across reconnects (docs/protocol.md); on a session's socket, the app's frames come here and not
 * to the socket's own `'message'` listeners (they would see duplicates after a resume).
 *
 * @example
 * ```ts
 * acceptHeartbeats(wss, {
 *   sessions: {
 *     onSession(session) {
 *       session.on('message', (data, isBinary) => session.send(isBinary ? data : `echo: ${data}`));
 *       session.on('end', (reason) => console.log(session.id, reason));
 *     },
 *   },
 * });
 * ```
 */
export class Session extends EventEmitter<SessionEvents> {
  /** Messages the app wrote into the session (the last one's number). */
  sent = 0;
  /** Messages of the client the app received. */
  received = 0;
  /**
   * The `received` the client was last told (by `ack`, `pong`, `resumed`).
   * @internal
   */
  ackSent = 0;
  /** Why it ended; undefined while it lives (see also the `'end'` event). */
  endReason: SessionEndReason | undefined = undefined;
  /**
   * `now()` when its socket went away, or (stamped by the next sweep) when it ended; NONE while attached or just ended.
   * @internal
   */
  since: number;
  /**
   * The socket it is attached to, or null.
   * @internal
   */
  wire: Wire | null = null;
  /**
   * What the client has not acknowledged yet.
   * @internal
   */
  readonly outbox = new Outbox();

  /**
   * Made by the server (`onSession` gets it), never by the app.
   * @internal
   */
  constructor(
    /** The session id: 16 random bytes, base64url. */
    readonly id: string,
    /** @internal */
    readonly limits: SessionLimits,
    at: number,
  ) {
    super();
    this.since = at;
  }

  /** The physical socket the session is on now, or null while the client is away. */
  get socket(): WebSocket | null {
    return this.wire?.ws ?? null;
  }

  /**
   * What the client has not acknowledged yet: the messages a resume would re-send, and their
   * bytes. A producer faster than its client paces itself by this: one more message than
   * `maxMessages` (or `maxBytes`) allows ends the session with `overflow`.
   *
   * @example
   * ```ts
   * if (session.unacknowledged.messages < 800) session.send(nextTick());
   * else skippedTicks++; // the client is behind: send a snapshot when it has caught up
   * ```
   */
  get unacknowledged(): { messages: number; bytes: number } {
    return { messages: this.outbox.length, bytes: this.outbox.bytes };
  }

  /** Whether it ended (`'end'` was emitted). */
  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /**
   * Writes a message into the session: counted, kept until the client acknowledges it, sent now
   * if a socket is attached (else after the client resumes). A text message that begins with
   * U+0010 is escaped. Returns `false`, sending nothing, if the session has ended — or ends it
   * now with `overflow` because the message does not fit within `maxMessages`/`maxBytes`.
   */
  send(data: string | Buffer | ArrayBuffer | ArrayBufferView | Buffer[], binary: boolean = typeof data !== 'string'): boolean {
    if (this.endReason !== undefined) return false;
    if (Array.isArray(data)) data = Buffer.concat(data); // `ws`'s fragments, as 'message' may give them
    const frame = binary || (typeof data !== 'string' && !Buffer.isBuffer(data)) ? data : escapeText(data);
    const size = sizeOf(frame);
    if (!this.outbox.fits(size, this.limits.maxMessages, this.limits.maxBytes)) {
      this.end('overflow');
      return false;
    }
    this.outbox.push({ data: frame, binary, size });
    this.sent++;
    this.wire?.write(frame, binary);
    return true;
  }

  /**
   * Ends the session: the client is told (`␐end closed`) and its socket closed with 1000 and
   * `reason` (default `session closed`); a later resume gets `session <new id> ended`.
   * @throws {RangeError} a `reason` longer than 123 bytes (a close frame's limit).
   */
  close(reason = 'session closed'): void {
    if (typeof reason !== 'string' || Buffer.byteLength(reason) > 123) {
      throw new RangeError(`heartsocket: session.close(reason) takes a string of at most 123 bytes (a close frame's limit), got ${describeValue(reason)}.`);
    }
    this.end('closed', reason);
  }

  /** Ends it for `why`: told to the client if attached, `'end'` emitted, nothing kept.
   * @internal
   */
  end(why: SessionEndReason, closeReason = `session ended: ${why}`, at = NONE): void {
    if (this.endReason !== undefined) return;
    this.endReason = why;
    this.outbox.clear();
    const wire = this.wire;
    this.wire = null;
    this.since = at;
    if (wire !== null && why !== 'stopped') {
      wire.write(controlFrame('end', why), false);
      wire.ws.close(1000, closeReason);
    }
    this.emit('end', why);
  }

  /** An app message of the client arrived: counted, acknowledged every `ackEvery`, delivered.
   * @internal
   */
  receive(data: RawData, isBinary: boolean): void {
    this.received++;
    if (this.received - this.ackSent >= this.limits.ackEvery) this.sendAck();
    this.emit('message', data, isBinary);
  }

  /** Tells the client how many of its messages were received, if it has not been told.
   * @internal
   */
  sendAck(): void {
    if (this.wire === null || this.received === this.ackSent) return;
    this.wire.write(this.tellReceived('ack'), false);
  }

  /** `␐<name> <received>` (`ack`, `pong`, `resumed`): a frame that tells the client how many of its messages arrived.
   * @internal
   */
  tellReceived(name: 'ack' | 'pong' | 'resumed'): string {
    this.ackSent = this.received;
    return controlFrame(name, this.received);
  }

  /** Whether `count` is a possible ack of the client: between what it acked before and what was sent.
   * @internal
   */
  canAck(count: number): boolean {
    return count >= this.outbox.acked && count <= this.sent;
  }

  /** Attaches a socket: what the client has not received (after its `received`) is re-sent.
   * @internal
   */
  attach(wire: Wire, received: number): void {
    this.outbox.ackUpTo(received);
    this.wire = wire;
    this.since = NONE;
    for (const message of this.outbox.after(received)) wire.write(message.data, message.binary);
  }

  /** Its socket went away (closed, or taken over by a resume): the session waits `ttl`.
   * @internal
   */
  detach(at: number): void {
    this.wire = null;
    this.since = at;
  }
}
