import type { ResumeResult, SendData } from '../../machine/types.js';
import { HeartSocketError } from '../errors.js';
import type { ResumableSession, SessionInfo, SessionReporter, SessionSocket } from '../session.js';
import type { LinkHooks } from '../socketLink.js';
import { DEFAULT_SETTINGS, HEARTBEAT_PING, type SocketSettings } from '../../machine/settings.js';
import type { SessionEvent } from '../../machine/types.js';
import { controlFrame, PROTOCOL_VERSION, readCount } from '../controlFrames.js';
import { escapeAppData, isControlFrame, parseControlFrame, unescapeAppData, withSessionFlag } from './frames.js';
import type { ResumeSettings } from './options.js';
import { UnacknowledgedBuffer } from './unacknowledged.js';

/**
 * Where the current socket stands: `idle` (no socket, or one closing), `hello` (its first frame
 * awaited), `answer` (`start`/`resume` sent), `active` (the session runs on it), `plain` (a server
 * without sessions, or silence: nothing is numbered).
 */
type Phase = 'idle' | 'hello' | 'answer' | 'active' | 'plain';

/**
 * A frame the protocol does not allow where it came: the socket is closed with 1002 (protocol
 * error), and this is reported as its `error`.
 *
 * @example
 * ```ts
 * socket.onerror = (event) => {
 *   if (event.error instanceof SessionProtocolError) console.warn('the server broke the session protocol', event.error.message);
 * };
 * ```
 */
export class SessionProtocolError extends Error {
  override readonly name = 'SessionProtocolError';
}

/** What a frame of the handshake leads to: an event for the machine, and the answer to `hello`. */
type HandshakeStep = SessionEvent & { reply?: string };

/**
 * One connection's resumable session (docs/protocol.md), across all its sockets: the id, the
 * counts each way, the unacknowledged messages, and the answers of the handshake.
 */
export class Session implements ResumableSession {
  #phase: Phase = 'idle';
  /** The socket of the current attempt, from its opening until it is let go. */
  #socket: SessionSocket | null = null;
  /** A plain server's first frame, held during the handshake for the app. */
  #held: unknown = undefined;
  #id: string | null = null;
  /** The server's app messages this side's app has received in the session. */
  #received = 0;
  /** What the server was last told of `#received`. */
  #acknowledged = 0;
  /** Whether a threshold ack waits for the end of the current run of messages (`#counted`). */
  #ackDue = false;
  /** Why the server ended the session (`␐end`), told with the next session. */
  #endedFor: string | null = null;
  #lastResume: ResumeResult | null = null;
  readonly #unacknowledged: UnacknowledgedBuffer;
  /** Acks ride on the heartbeat only where the server half answers it itself: the default texts. */
  readonly #acksRideOnPing: boolean;

  constructor(
    readonly settings: ResumeSettings,
    readonly hooks: Pick<LinkHooks, 'onUndelivered'>,
    heartbeat: SocketSettings['heartbeat'],
  ) {
    this.#unacknowledged = new UnacknowledgedBuffer(settings.maxMessages, settings.maxBytes);
    this.#acksRideOnPing =
      heartbeat.message === HEARTBEAT_PING && heartbeat.isPong === DEFAULT_SETTINGS.heartbeat.isPong && !heartbeat.protocol;
  }

  flagUrl(url: string): string {
    return withSessionFlag(url);
  }

  open(socket: SessionSocket): void {
    this.#phase = 'hello';
    this.#socket = socket;
    this.#held = undefined;
  }

  detach(socket: SessionSocket): void {
    if (socket !== this.#socket) return;
    this.#phase = 'idle';
    this.#socket = null;
  }

  receive(socket: SessionSocket, data: unknown, reporter: SessionReporter, isPong?: (data: unknown) => boolean): unknown {
    // A socket let go (closing, replaced) says nothing that counts: the next one resumes from the counts.
    if (socket !== this.#socket) return undefined;
    const phase = this.#phase;
    // Heartbeat messages are not app messages: a pong in the custom texts passes beside the
    // session, uncounted; with the default ones a confirmed session's pong is `␐pong <n>`, and a
    // plain `pong` is the app's (docs/protocol.md).
    const pong = isPong !== undefined && (phase === 'plain' || (phase === 'active' && !this.#acksRideOnPing)) && isPong(data);
    if (pong) return undefined;
    if (phase === 'plain') return data;
    try {
      if (phase === 'active') return this.#receiveActive(data);
      const step = this.#handshake(data);
      if (step.reply !== undefined) {
        socket.send(step.reply);
        reporter.sendBack({ type: 'SESSION.HELLO' });
      } else reporter.sendBack(step);
    } catch (error) {
      if (!(error instanceof SessionProtocolError)) throw error;
      reporter.sendBack({ type: 'SOCKET.ERROR', error });
      this.detach(socket);
      socket.close(1002, 'session protocol error');
    }
    return undefined;
  }

  takeHeldFrame(): unknown {
    const held = this.#held;
    this.#held = undefined;
    return held;
  }

  get active(): boolean {
    return this.#phase === 'active';
  }

  #handshake(data: unknown): HandshakeStep {
    if (this.#phase === 'hello') return this.#first(data);
    if (!isControlFrame(data)) throw new SessionProtocolError('an app frame before the answer to start/resume');
    const { name, fields } = parseControlFrame(data);
    if (name === 'session' && fields[0] !== undefined && fields.length <= 2) {
      return this.#newSession(fields[0], fields[1] ?? null);
    }
    const received = readCount(fields[0]);
    if (name === 'resumed' && received !== undefined && this.#id !== null && this.#unacknowledged.acknowledge(received)) {
      return this.#settle({ resumed: true, reason: null, sessionId: this.#id });
    }
    throw new SessionProtocolError(`unexpected answer ${JSON.stringify(data)}`);
  }

  /** The server's first frame: `hello` (answered with `start` or `resume`), or a plain server's message. */
  #first(data: unknown): HandshakeStep {
    const hello = isControlFrame(data) ? parseControlFrame(data) : null;
    const version = readCount(hello?.fields[0]);
    if (hello?.name !== 'hello' || version === undefined || version < PROTOCOL_VERSION) {
      this.#plain();
      this.#held = data;
      return { type: 'SESSION.READY', ...this.#lastResume! };
    }
    this.#phase = 'answer';
    const reply =
      this.#id === null
        ? controlFrame('start', PROTOCOL_VERSION)
        : controlFrame('resume', PROTOCOL_VERSION, this.#id, this.#received);
    return { type: 'SESSION.HELLO', reply };
  }

  /**
   * `␐session <id> [reason]`: a new session. If one was being resumed, it is lost: what the
   * server's app may or may not have received is handed back, not re-sent.
   */
  #newSession(id: string, failure: string | null): HandshakeStep {
    const reason = failure ?? this.#endedFor;
    this.#endedFor = null;
    this.#restart(id, reason ?? 'unknown');
    return this.#settle({ resumed: false, reason, sessionId: id });
  }

  #settle(result: ResumeResult): HandshakeStep {
    this.#phase = 'active';
    this.#lastResume = result;
    return { type: 'SESSION.READY', ...result };
  }

  /** A server without sessions: the session is gone with it. */
  #plain(): void {
    this.#phase = 'plain';
    this.#restart(null, 'unsupported');
    this.#lastResume = { resumed: false, reason: 'unsupported', sessionId: null };
  }

  /** The session so far is over (`reason`): its unacknowledged messages handed back, counts from 0 under `id`. */
  #restart(id: string | null, reason: string): void {
    this.#handBack(reason);
    this.#id = id;
    this.#received = 0;
    this.#acknowledged = 0;
  }

  #handBack(reason: string): void {
    const messages = this.#unacknowledged.reset();
    if (messages.length === 0) return;
    this.hooks.onUndelivered(
      messages.map(unescapeAppData) as SendData[],
      new HeartSocketError(
        'RESUME_FAILED',
        `${messages.length} message(s) written into the session were not acknowledged, and the session could not be resumed (${reason}): ` +
          'the server may have received some of them.',
      ),
    );
  }

  endHandshake(): SessionSocket | null {
    if (this.#phase === 'hello') this.#plain();
    const socket = this.#socket;
    if (socket === null) return null;
    // Re-sent before the queue is flushed (the machine flushes it next): the order holds.
    if (this.#phase === 'active' && this.#lastResume?.resumed === true) {
      for (const frame of this.#unacknowledged.frames()) socket.send(frame);
    }
    return socket;
  }

  #receiveActive(data: unknown): unknown {
    // The first character tells: most frames are app frames with nothing to unescape.
    if (typeof data !== 'string' || data.charCodeAt(0) !== 0x10) return this.#counted(data);
    if (data.charCodeAt(1) === 0x10) return this.#counted(data.slice(1));
    const { name, fields } = parseControlFrame(data);
    const count = readCount(fields[0]);
    if ((name === 'ack' || name === 'pong') && count !== undefined) {
      if (!this.#unacknowledged.acknowledge(count)) throw new SessionProtocolError(`the server acknowledged ${count} of ${this.#unacknowledged.sent} messages`);
      return undefined;
    }
    if (name === 'end' && fields.length === 1) {
      // The server app ended the session; a close frame follows. The next socket begins a new one.
      this.#endedFor = fields[0]!;
      this.#restart(null, this.#endedFor);
      return undefined;
    }
    throw new SessionProtocolError(`unknown control frame ${JSON.stringify(data)}`);
  }

  /** An app message received: counted, and a threshold ack is due at the end of its run. */
  #counted(data: unknown): unknown {
    this.#received += 1;
    if (!this.#ackDue && this.#received - this.#acknowledged >= this.settings.ackEvery) {
      // Messages read from the network together are delivered in one synchronous run: one ack
      // when it ends, with its last count, rather than one write per `ackEvery` messages of it.
      this.#ackDue = true;
      queueMicrotask(this.#sendDueAck);
    }
    return data;
  }

  readonly #sendDueAck = (): void => {
    this.#ackDue = false;
    this.acknowledge();
  };

  admit(data: SendData, queuedMessages: number, queuedBytes: number): void {
    this.#unacknowledged.admit(data, queuedMessages, queuedBytes);
  }

  written(data: SendData): SendData {
    const frame = escapeAppData(data);
    this.#unacknowledged.push(frame);
    return frame;
  }

  pingFrame(): string | undefined {
    if (this.#phase !== 'active' || !this.#acksRideOnPing) return undefined;
    this.#acknowledged = this.#received;
    return controlFrame('ping', this.#received);
  }

  acknowledge(): void {
    if (this.#phase !== 'active' || this.#received === this.#acknowledged) return;
    this.#acknowledged = this.#received;
    this.#socket!.send(controlFrame('ack', this.#received));
  }

  get info(): SessionInfo {
    return {
      id: this.#id,
      sent: this.#unacknowledged.sent,
      received: this.#received,
      unacknowledgedSent: this.#unacknowledged.length,
      unacknowledgedReceived: this.#received - this.#acknowledged,
      lastResume: this.#lastResume,
    };
  }
}
