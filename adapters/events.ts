import type { SendData, SocketStateName } from '../machine/types.js';
import type { HeartSocketError } from './errors.js';

/**
 * `close`: one underlying socket ended (also for attempts that never opened).
 *
 * @example
 * ```ts
 * socket.onclose = (event) => {
 *   // e.g. 1000 'bye' (the server closed), 4000 'heartbeat timeout', 1006 'close timeout'
 *   console.log(event.code, event.reason, event.wasClean);
 * };
 * ```
 */
export class HeartSocketCloseEvent extends Event {
  /**
   * The close code: the peer's, 4000 after a heartbeat timeout, or 1006 for a socket that ended
   * without a close frame or that heartsocket abandoned.
   */
  readonly code: number;
  /** The peer's close reason, or heartsocket's own (`connect timeout`, `close timeout`, …). */
  readonly reason: string;
  /** Whether the closing handshake completed. */
  readonly wasClean: boolean;
  constructor(init: { code: number; reason: string; wasClean: boolean }) {
    super('close');
    this.code = init.code;
    this.reason = init.reason;
    this.wasClean = init.wasClean;
  }
}

/**
 * `error`: the socket reported an error; `error` holds what it gave, where it gave anything.
 *
 * @example
 * ```ts
 * socket.onerror = (event) => console.warn('socket error:', event.message || event.error);
 * ```
 */
export class HeartSocketErrorEvent extends Event {
  /** What the socket gave: an `Error` with `ws`; in browsers, the socket's own error event. */
  readonly error: unknown;
  /** The error's message where it has one (`ws`), else `''` (browsers say nothing more). */
  readonly message: string;
  constructor(error: unknown) {
    super('error');
    this.error = error;
    this.message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  }
}

/**
 * `statechange`: the machine moved to another of its six states.
 *
 * @example
 * ```ts
 * socket.addEventListener('statechange', (event) => {
 *   const { previous, state } = event as StateChangeEvent;
 *   console.log(`${previous} → ${state}`); // e.g. open → awaitingPong
 * });
 * ```
 */
export class StateChangeEvent extends Event {
  constructor(
    /** The state now. */
    readonly state: SocketStateName,
    /** The state before. */
    readonly previous: SocketStateName,
  ) {
    super('statechange');
  }
}

/**
 * `undelivered`: queued messages that will never be sent, because the connection ended for good.
 *
 * @example
 * ```ts
 * socket.addEventListener('undelivered', (event) => {
 *   const { messages, error } = event as UndeliveredEvent;
 *   console.warn(error.message); // heartsocket: 2 queued message(s) were not sent: …
 *   outbox.push(...messages); // keep them for a new connection
 * });
 * ```
 */
export class UndeliveredEvent extends Event {
  constructor(
    /** The messages, oldest first. */
    readonly messages: readonly SendData[],
    /** Why they were not sent: a `HeartSocketError`, usually with code `UNDELIVERED`. */
    readonly error: HeartSocketError,
  ) {
    super('undelivered');
  }
}

const NO_PORTS: readonly never[] = Object.freeze([]);

/**
 * The `message` event `onmessage` receives while no `message` listener was added: the fields of a
 * `MessageEvent` (`type`, `data`, `origin`, `lastEventId`, `source`, `ports`, `target`,
 * `currentTarget`) without constructing one, which reads the clock and validates its init, on the
 * per-message path. `ws` hands its `onmessage` a plain object like it too.
 */
export class LightMessageEvent {
  constructor(
    readonly data: unknown,
    readonly origin: string,
    readonly target: EventTarget,
  ) {}

  get type(): 'message' {
    return 'message';
  }

  get currentTarget(): EventTarget {
    return this.target;
  }

  get lastEventId(): string {
    return '';
  }

  get source(): null {
    return null;
  }

  get ports(): readonly never[] {
    return NO_PORTS;
  }
}
