import type { ResumeResult, SendData } from '../../machine/types.js';
import { HeartSocketError } from '../errors.js';
import type { HandshakeStep, ResumableSession, SessionHooks, SessionInfo } from '../session.js';
import {
  controlFrame,
  escapeAppData,
  isControlFrame,
  parseControlFrame,
  parseCount,
  PROTOCOL_VERSION,
  unescapeAppData,
  withSessionFlag,
} from './frames.js';
import type { ResumeSettings } from './options.js';
import { UnacknowledgedBuffer } from './unacknowledged.js';

/**
 * Where the current socket stands: `idle` (no socket, or one closing), `hello` (its first frame
 * awaited), `answer` (`start`/`resume` sent), `active` (the session runs on it), `plain` (a server
 * without sessions, or silence: nothing is numbered).
 */
type Phase = 'idle' | 'hello' | 'answer' | 'active' | 'plain';

/** A frame the protocol does not allow here: the socket is closed with 1002 (protocol error). */
export class SessionProtocolError extends Error {
  override readonly name = 'SessionProtocolError';
}

/**
 * One connection's resumable session (docs/protocol.md), across all its sockets: the id, the
 * counts each way, the unacknowledged messages, and the answers of the handshake.
 */
export class Session implements ResumableSession {
  #phase: Phase = 'idle';
  #id: string | null = null;
  /** The server's app messages this side's app has received in the session. */
  #received = 0;
  /** What the server was last told of `#received`. */
  #acknowledged = 0;
  /** Why the server ended the session (`␐end`), told with the next session. */
  #endedFor: string | null = null;
  #lastResume: ResumeResult | null = null;
  readonly #unacknowledged: UnacknowledgedBuffer;

  constructor(
    readonly settings: ResumeSettings,
    readonly hooks: SessionHooks,
  ) {
    this.#unacknowledged = new UnacknowledgedBuffer(settings.maxMessages, settings.maxBytes);
  }

  flagUrl(url: string): string {
    return withSessionFlag(url);
  }

  begin(): void {
    this.#phase = 'hello';
  }

  detach(): void {
    this.#phase = 'idle';
  }

  get active(): boolean {
    return this.#phase === 'active';
  }

  handshake(data: unknown): HandshakeStep {
    if (this.#phase === 'hello') return this.#first(data);
    if (this.#phase !== 'answer') throw new SessionProtocolError('a frame after the socket was let go');
    if (!isControlFrame(data)) throw new SessionProtocolError('an app frame before the answer to start/resume');
    const { name, fields } = parseControlFrame(data);
    if (name === 'session' && fields[0] !== undefined && fields.length <= 2) {
      return this.#newSession(fields[0], fields[1] ?? null);
    }
    const received = parseCount(fields[0]);
    if (name === 'resumed' && received !== undefined && this.#id !== null && this.#unacknowledged.acknowledge(received)) {
      return this.#settle({ resumed: true, reason: null, sessionId: this.#id });
    }
    throw new SessionProtocolError(`unexpected answer ${JSON.stringify(data)}`);
  }

  /** The server's first frame: `hello` (answered with `start` or `resume`), or a plain server's message. */
  #first(data: unknown): HandshakeStep {
    const hello = isControlFrame(data) ? parseControlFrame(data) : null;
    const version = parseCount(hello?.fields[0]);
    if (hello?.name !== 'hello' || version === undefined || version < PROTOCOL_VERSION) {
      this.#plain();
      return { type: 'SESSION.UNSUPPORTED' };
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
    this.#handBack(reason ?? 'unknown');
    this.#id = id;
    this.#received = 0;
    this.#acknowledged = 0;
    return this.#settle({ resumed: false, reason, sessionId: id });
  }

  #settle(result: ResumeResult): HandshakeStep {
    this.#phase = 'active';
    this.#lastResume = result;
    return { type: 'SESSION.READY', resumed: result.resumed, reason: result.reason, sessionId: result.sessionId! };
  }

  /** A server without sessions: the session is gone with it. */
  #plain(): void {
    this.#phase = 'plain';
    this.#handBack('unsupported');
    this.#id = null;
    this.#received = 0;
    this.#acknowledged = 0;
    this.#lastResume = { resumed: false, reason: 'unsupported', sessionId: null };
  }

  #handBack(reason: string): void {
    const messages = this.#unacknowledged.reset();
    if (messages.length === 0) return;
    this.hooks.handBack(
      messages.map(unescapeAppData) as SendData[],
      new HeartSocketError(
        'RESUME_FAILED',
        `${messages.length} message(s) written into the session were not acknowledged, and the session could not be resumed (${reason}): ` +
          'the server may have received some of them.',
      ),
    );
  }

  endHandshake(): SendData[] {
    if (this.#phase === 'hello') this.#plain();
    return this.#phase === 'active' && this.#lastResume?.resumed === true ? this.#unacknowledged.frames() : [];
  }

  receive(data: unknown, socket: { send(frame: string): void }): unknown {
    if (!isControlFrame(data)) {
      this.#received += 1;
      if (this.#received - this.#acknowledged >= this.settings.ackEvery) socket.send(this.ackFrame()!);
      return unescapeAppData(data);
    }
    const { name, fields } = parseControlFrame(data);
    const count = parseCount(fields[0]);
    if ((name === 'ack' || name === 'pong') && count !== undefined) {
      if (!this.#unacknowledged.acknowledge(count)) throw new SessionProtocolError(`the server acknowledged ${count} of ${this.#unacknowledged.sent} messages`);
      return undefined;
    }
    if (name === 'end' && fields.length === 1) {
      // The server app ended the session; a close frame follows. The next socket begins a new one.
      this.#endedFor = fields[0]!;
      this.#handBack(this.#endedFor);
      this.#id = null;
      this.#received = 0;
      this.#acknowledged = 0;
      return undefined;
    }
    throw new SessionProtocolError(`unknown control frame ${JSON.stringify(data)}`);
  }

  admit(data: SendData, queuedMessages: number, queuedBytes: number): void {
    this.#unacknowledged.admit(data, queuedMessages, queuedBytes);
  }

  written(data: SendData): SendData {
    const frame = escapeAppData(data);
    this.#unacknowledged.push(frame);
    return frame;
  }

  pingFrame(): string | undefined {
    if (this.#phase !== 'active' || !this.hooks.defaultHeartbeat) return undefined;
    this.#acknowledged = this.#received;
    return controlFrame('ping', this.#received);
  }

  ackFrame(): string | undefined {
    if (this.#phase !== 'active' || this.#received === this.#acknowledged) return undefined;
    this.#acknowledged = this.#received;
    return controlFrame('ack', this.#received);
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
