import type { SendData } from '../../machine/types.js';
import { SocketLink, type LinkAttempt, type LinkHooks } from '../socketLink.js';
import type { WebSocketLike } from '../webSocketLike.js';
import type { Session } from './session.js';

/**
 * The link of a connection with `resume` on: the plain link, with its session at each point the
 * socket actor asks it (docs/adapter.md). Here, not in the main adapter, so that an app without
 * `resume` ships none of it.
 */
export class SessionLink extends SocketLink {
  override readonly session: Session;

  constructor(queueMax: number, hooks: LinkHooks, now: () => number, session: Session) {
    super(queueMax, hooks, now);
    this.session = session;
  }

  /** `send()`: `QUEUE_FULL` when the message would take the session over its bound. */
  override send(data: SendData): void {
    this.session.admit(data, this.queuedMessages, this.queuedBytes);
    super.send(data);
  }

  /** Messages written into an active session are numbered and kept (queued ones too, as they are flushed). */
  override written(data: SendData): SendData {
    return this.session.active ? this.session.written(data) : data;
  }

  /** The handshake first: `send()` queues until it is over (`endHandshake`). */
  override adopt(ws: WebSocketLike): void {
    this.session.open(ws);
  }

  /** This socket's frames no longer count for the session. */
  override release(ws: WebSocketLike | null): void {
    if (ws !== null) this.session.detach(ws);
    super.release(ws);
  }

  /**
   * The session says what is a pong: with the default texts, a confirmed session's plain `pong`
   * is an app message (docs/protocol.md, "Heartbeat messages are not app messages").
   */
  override appData(ws: WebSocketLike, data: unknown, attempt: LinkAttempt, isPong: ((data: unknown) => boolean) | undefined): unknown {
    return attempt.socket === ws ? this.session.receive(ws, data, attempt, isPong) : super.appData(ws, data, attempt, isPong);
  }

  /** The ping with the ack riding on it, where it can. */
  override pingFrame(): string | undefined {
    return this.session.pingFrame();
  }

  /** With the query flag that asks for a session. */
  override attemptUrlFor(url: string): string {
    return this.session.flagUrl(url);
  }
}
