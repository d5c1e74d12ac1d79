/**
 * What the main adapter asks of a resumable session, and nothing more: the session itself (its
 * numbering, its buffer, its frames) is made by `resumable()` of `heartsocket/resume`, so an app
 * without `resume` ships none of it. Types only.
 */
import type { ResumeResult, SendData, SessionEvent } from '../machine/types.js';
import type { SocketSettings } from '../machine/settings.js';
import type { SocketMachine } from '../machine/socketMachine.js';
import type { LinkHooks, SocketLink } from './socketLink.js';

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
  /** Milliseconds each wait of the handshake may take (`resumable({ timeout })`). @internal */
  readonly handshakeTimeout: number;
  /** The statechart with the session handshake, bound to real sockets. @internal */
  readonly machines: BoundMachines;
  /**
   * The link of one connection (one `HeartSocket`), with one session for as long as it lives: it
   * hands back what a failed resume lost through `hooks.onUndelivered`, and lets acks ride on the
   * heartbeat where its texts are the default ones.
   * @internal
   */
  createLink(queueMax: number, hooks: LinkHooks, now: () => number, heartbeat: SocketSettings['heartbeat']): SocketLink;
}

/**
 * The part of a socket a session uses: the handshake's answers and acks are written on it, and a
 * protocol error closes it.
 *
 * @example
 * ```ts
 * const socket: SessionSocket = new WebSocket(url);
 * ```
 */
export interface SessionSocket {
  send(data: SendData): void;
  close(code?: number, reason?: string): void;
}

/**
 * Where a session reports what the machine must hear: the socket actor's attempt.
 *
 * @example
 * ```ts
 * const reporter: SessionReporter = { sendBack: (event) => actor.send(event) };
 * ```
 */
export interface SessionReporter {
  sendBack(event: SessionEvent | { type: 'SOCKET.ERROR'; error: unknown }): void;
}

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
 * const session = new Session(RESUME_DEFAULTS, hooks, heartbeat);
 * const url = session.flagUrl('wss://example.com/feed'); // …?heartsocket-session=1
 * ```
 */
export interface ResumableSession {
  /** The URL of an attempt, with the query flag. */
  flagUrl(url: string): string;
  /** A socket opened: its handshake begins (its first frame is awaited). */
  open(socket: SessionSocket): void;
  /**
   * A frame of the current socket: the app's data to deliver, or `undefined` when it was the
   * session's or a pong (`isPong`: not counted; with the default heartbeat texts, a confirmed
   * session's pong is `␐pong <n>`) — the handshake, a control frame, a frame of a socket let go, a protocol error —
   * then the socket is closed with 1002 and the error reported). Handshake steps are reported.
   */
  receive(socket: SessionSocket, data: unknown, reporter: SessionReporter, isPong?: (data: unknown) => boolean): unknown;
  /**
   * The handshake is over (an answer, a plain server, or silence): the socket `send()` may write
   * to now, with a resumed session's unacknowledged messages re-sent on it; `null` if it is gone.
   */
  endHandshake(): SessionSocket | null;
  /** A plain server's first frame, held during the handshake; `undefined` when there is none. */
  takeHeldFrame(): unknown;
  /** This socket is closing or gone: nothing it says counts any more. */
  detach(socket: SessionSocket): void;
  /** Whether the session runs on the current socket. */
  readonly active: boolean;
  /** `send()`: throws `QUEUE_FULL` if `data` would take the session over its bound. */
  admit(data: SendData, queuedMessages: number, queuedBytes: number): void;
  /** An app message written into the active session: numbered, kept, and the frame to write. */
  written(data: SendData): SendData;
  /** The heartbeat's ping with the ack riding on it, where it can. */
  pingFrame(): string | undefined;
  /** The heartbeat timer on a busy stream: an explicit `␐ack`, if anything received is unacknowledged. */
  acknowledge(): void;
  readonly info: SessionInfo;
}

/**
 * The machine a connection runs, bound to real sockets, for hosts with an online/offline signal
 * (browsers) and without (Node): without `resume`, the plain one; with, `resumable()`'s.
 *
 * @example
 * ```ts
 * const machine = networkHost() === null ? machines.withoutNetworkSignal : machines.withNetworkSignal;
 * ```
 */
export interface BoundMachines {
  readonly withNetworkSignal: SocketMachine;
  readonly withoutNetworkSignal: SocketMachine;
}
