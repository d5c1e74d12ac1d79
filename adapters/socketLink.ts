import type { SendData } from '../machine/types.js';
import { HeartSocketError } from './errors.js';
import { SendQueue } from './sendQueue.js';
import type { ResumableSession, SessionReporter } from './session.js';
import type { TrafficTap } from './trafficTap.js';
import { ReadyState, type WebSocketLike } from './webSocketLike.js';

/** The attempt a frame came through, as `appData` sees it: its socket, and where it reports. */
export interface LinkAttempt extends SessionReporter {
  readonly socket: WebSocketLike | null;
}

/** Where a link hands what it cannot keep. */
export interface LinkHooks {
  /** Every incoming message that is not a pong: its data, and the origin ('' where the socket gives none). */
  onMessage(data: unknown, origin: string): void;
  /** Queued messages that will never be sent. */
  onUndelivered(messages: SendData[], error: HeartSocketError): void;
}

/**
 * The state the hot path shares between the socket actor and the public class, with no event
 * per message: the open socket that `send()` writes to, the time the peer was last heard, and
 * the queue of messages sent while there was no open socket.
 */
export class SocketLink {
  /** The socket `send()` writes to: set on open, cleared when closing starts or the socket ends. */
  socket: WebSocketLike | null = null;
  /** When anything (message, pong, ping) last arrived, in `now()` ms. */
  lastHeardAt: number;
  /** Applied to every new socket, so it survives reconnects. */
  binaryType: string | undefined;
  /** The URL of the latest attempt ('' before the first), for `HeartSocket.url`. */
  attemptUrl = '';
  /** The socket of the latest attempt, open or not, for `protocol`, `extensions`, `binaryType`. */
  latestSocket: WebSocketLike | null = null;
  /** Messages sent while no socket was open; made at the first one (most connections never queue). */
  #queue: SendQueue | null = null;
  /** Whether the current attempt has built its socket (it may still be looking up its URL). */
  attemptHasSocket = false;
  /** For the machine: see `attemptHasSocket`. */
  readonly socketExists = (): boolean => this.attemptHasSocket;
  /** Set by `reconnect(code, reason)` for the socket about to be replaced: close it so, don't drop it. */
  letGo: { code: number; reason: string } | null = null;
  /** A watching debug view's ear (see `TrafficTap`); `null` when nobody watches. */
  tap: TrafficTap | null = null;
  /** `resume` on: the connection's session (`SessionLink` of `heartsocket/resume` sets it); `null` without. */
  readonly session: ResumableSession | null = null;

  constructor(
    readonly queueMax: number,
    readonly hooks: LinkHooks,
    /** The clock the machine's timers run on, so that silence and delays agree. */
    readonly now: () => number,
  ) {
    this.lastHeardAt = now();
  }

  /** Messages queued. */
  get queuedMessages(): number {
    return this.#queue?.length ?? 0;
  }

  /** Bytes queued, as `bufferedAmount` counts them. */
  get queuedBytes(): number {
    return this.#queue?.bytes ?? 0;
  }

  /** For the machine's heartbeat: milliseconds since the peer was last heard. */
  readonly silentFor = (): number => this.now() - this.lastHeardAt;

  /** Set while one run of messages is delivered; a microtask clears it when the run ends. */
  #stamped = false;

  /**
   * The links stamped in the current run, and the one microtask that ends it for them all (a
   * function per link would cost a closure per connection).
   */
  static #stampedLinks: SocketLink[] = [];
  static #runEnded(): void {
    const links = SocketLink.#stampedLinks;
    for (const link of links) link.#stamped = false;
    links.length = 0;
  }

  /**
   * Something arrived. Messages delivered in one synchronous run (one read from the network)
   * arrived together: the first stamps the time, the rest cost no clock read (the hot path).
   */
  heard(): void {
    if (!this.#stamped) this.#stamp();
  }

  #stamp(): void {
    this.#stamped = true;
    this.lastHeardAt = this.now();
    if (SocketLink.#stampedLinks.push(this) === 1) queueMicrotask(SocketLink.#runEnded);
  }

  /** Sends now when a socket is open, else queues (in order; throws `QUEUE_FULL` when full). */
  send(data: SendData): void {
    const socket = this.socket;
    // A socket that has begun closing silently drops what it is given: queue it for the next one.
    const now = socket !== null && socket.readyState === ReadyState.OPEN;
    if (now) socket.send(this.written(data));
    else (this.#queue ??= new SendQueue(this.queueMax)).push(data);
    if (this.tap !== null) this.tap.sent(data, !now);
  }

  /**
   * Writes the queued messages to the socket that just opened, oldest first. One the socket
   * refuses (it throws) is handed back with the rest, never dropped: the caller hears of them.
   */
  flush(): void {
    const socket = this.socket;
    if (socket === null || this.#queue === null) return;
    const messages = this.#queue.drain();
    for (const [index, data] of messages.entries()) {
      try {
        socket.send(this.written(data));
      } catch (error) {
        const rest = messages.slice(index);
        this.hooks.onUndelivered(
          rest,
          new HeartSocketError('UNDELIVERED', `${rest.length} queued message(s) were not sent: the socket refused one (${String(error)}).`),
        );
        return;
      }
    }
  }

  // What `SessionLink` (heartsocket/resume) overrides; without `resume`, the plain connection.

  /** The frame an app message is written as. */
  written(data: SendData): SendData {
    return data;
  }

  /** A socket opened: it becomes the one `send()` writes to. */
  adopt(ws: WebSocketLike): void {
    this.socket = ws;
  }

  /** A socket is closing or gone (or the attempt has none): `send()` no longer writes to it. */
  release(ws: WebSocketLike | null): void {
    if (this.socket === ws) this.socket = null;
  }

  /** An incoming frame of `attempt`'s socket `ws`: the app's data, or `undefined` for a pong. */
  appData(ws: WebSocketLike, data: unknown, attempt: LinkAttempt, isPong: ((data: unknown) => boolean) | undefined): unknown {
    return isPong !== undefined && isPong(data) ? undefined : data;
  }

  /** The heartbeat's frame, if the link has one of its own (else `heartbeat.message`). */
  pingFrame(): string | undefined {
    return undefined;
  }

  /** The URL an attempt connects to. */
  attemptUrlFor(url: string): string {
    return url;
  }

  /** The connection is over for good: the queued messages are handed back, not dropped. */
  discard(reason: string): void {
    if (this.#queue === null || this.#queue.length === 0) return;
    const messages = this.#queue.drain();
    this.hooks.onUndelivered(
      messages,
      new HeartSocketError('UNDELIVERED', `${messages.length} queued message(s) were not sent: ${reason}.`),
    );
  }
}
