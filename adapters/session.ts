/**
 * What the main adapter asks of a resumable session, and nothing more: the session itself (its
 * numbering, its buffer, its frames) is made by `resumable()` of `heartsocket/resume`, so an app
 * without `resume` ships none of it. Types only.
 */
import type { ResumeResult, SendData, SessionEvent } from '../machine/types.js';
import type { HeartSocketError } from './errors.js';

/**
 * The value of the `resume` option: what `resumable()` of `heartsocket/resume` returns. Pass it
 * as it is; its members are for heartsocket itself.
 *
 * @example
 * ```ts
 * import { resumable } from 'heartsocket/resume';
 * const resume: ResumeOption = resumable({ maxMessages: 500 });
 * new HeartSocket(url, [], { resume });
 * ```
 */
export interface ResumeOption {
  /** Milliseconds each wait of the handshake may take (`resumable({ timeout })`). */
  readonly handshakeTimeout: number;
  /** One session for one connection (one `HeartSocket`), for as long as it lives. */
  createSession(hooks: SessionHooks): ResumableSession;
}

/**
 * What a session needs from its connection.
 *
 * @example
 * ```ts
 * const hooks: SessionHooks = { handBack: (messages, error) => console.warn(error.message), defaultHeartbeat: true };
 * ```
 */
export interface SessionHooks {
  /** Messages that will not be delivered (a failed resume): handed to the app as `undelivered`. */
  handBack(messages: SendData[], error: HeartSocketError): void;
  /** Whether the heartbeat uses the default texts (`ping`/`pong`): acks then ride on it. */
  readonly defaultHeartbeat: boolean;
}

/**
 * What a session says about a frame of the handshake: an event for the machine, with the answer
 * to write for `hello`.
 *
 * @example
 * ```ts
 * const step: HandshakeStep = { type: 'SESSION.HELLO', reply: '\u0010start 1' };
 * ```
 */
export type HandshakeStep = (SessionEvent & { reply?: undefined }) | { type: 'SESSION.HELLO'; reply: string };

/**
 * What a live view or an app can read of a session (`HeartSocket.session`).
 *
 * @example
 * ```ts
 * const { id, unacknowledgedSent, lastResume } = socket.session ?? {};
 * ```
 */
export interface SessionInfo {
  /** The session's id; `null` before the first, or after the server ended it. */
  readonly id: string | null;
  /** Application messages written into the session. */
  readonly sent: number;
  /** Application messages received in the session. */
  readonly received: number;
  /** Written, not yet acknowledged by the server: kept for a resume. */
  readonly unacknowledgedSent: number;
  /** Received, not yet acknowledged to the server. */
  readonly unacknowledgedReceived: number;
  /** How the last handshake ended; `null` before one did. */
  readonly lastResume: ResumeResult | null;
}

/**
 * One connection's session, across its sockets. Called by the socket actor (the handshake, the
 * frames), the link (`send()`), and the machine's `endHandshake`.
 *
 * @example
 * ```ts
 * const session = resumable().createSession(hooks);
 * const url = session.flagUrl('wss://example.com/feed'); // …?heartsocket-session=1
 * ```
 */
export interface ResumableSession {
  /** The URL of an attempt, with the query flag. */
  flagUrl(url: string): string;
  /** A socket opened: its first frame is awaited. */
  begin(): void;
  /** A frame from the server before the handshake ended. */
  handshake(data: unknown): HandshakeStep;
  /** The handshake is over: frames to re-send now (the unacknowledged, escaped). Still awaiting `hello`: plain. */
  endHandshake(): SendData[];
  /** The socket is closing or gone: nothing it says counts any more. */
  detach(): void;
  /** Whether the current socket speaks the session. */
  readonly active: boolean;
  /** An app frame or a control frame of an active session: the app's data, or `undefined` when consumed. Throws on a protocol error. */
  receive(data: unknown, socket: { send(frame: string): void }): unknown;
  /** `send()`: throws `QUEUE_FULL` if `data` would take the session over its bound. */
  admit(data: SendData, queuedMessages: number, queuedBytes: number): void;
  /** An app message written into the active session: numbered, kept, and the frame to write. */
  written(data: SendData): SendData;
  /** The heartbeat's ping with the ack riding on it, where it can. */
  pingFrame(): string | undefined;
  /** An explicit `␐ack`, if anything received is unacknowledged. */
  ackFrame(): string | undefined;
  readonly info: SessionInfo;
}
