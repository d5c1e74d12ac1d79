import { AT_TARGET, HeartSocketEvent, PHASE, STOPPED, TARGET, type DispatchState } from './eventTarget.js';
import type { ResumeResult, SendData, SocketStateName } from '../machine/types.js';
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
export class HeartSocketCloseEvent extends HeartSocketEvent {
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
 * `open`: a socket opened (after the session handshake, with `resume`). `resumed`: the session of
 * the previous socket goes on — nothing was lost, subscriptions still hold (always `false`
 * without `resume`). (An interface: the event is a plain `Event` with the field, no class of its
 * own in the bundle.)
 *
 * @example
 * ```ts
 * socket.onopen = (event) => {
 *   if (!event.resumed) subscribe();
 * };
 * ```
 */
export interface OpenEvent extends Event {
  /** Whether the previous socket's session goes on (`false` without `resume`). */
  readonly resumed: boolean;
}

/**
 * `resume` (`resume` on): how a session handshake ended — `resumed`, or why not (`reason`:
 * `'unknown'`, `'overflow'`, `'ended'`, `'mismatch'`, `'unsupported'`; `null` for a first
 * session), and the session's id (`null` when the server keeps none).
 *
 * @example
 * ```ts
 * socket.addEventListener('resume', (event) => {
 *   if (!event.resumed && event.reason !== null) resyncFromServer();
 * });
 * ```
 */
export interface ResumeEvent extends Event, ResumeResult {}

/**
 * `error`: the socket reported an error; `error` holds what it gave, where it gave anything.
 *
 * @example
 * ```ts
 * socket.onerror = (event) => console.warn('socket error:', event.message || event.error);
 * ```
 */
export class HeartSocketErrorEvent extends HeartSocketEvent {
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
export class StateChangeEvent extends HeartSocketEvent {
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
 *   pending.push(...messages); // keep them for a new connection
 * });
 * ```
 */
export class UndeliveredEvent extends HeartSocketEvent {
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
 * The `message` event: a light object that passes `instanceof MessageEvent` and carries its fields
 * (`type`, `data`, `origin`, `lastEventId`, `source`, `ports`, `target`, `currentTarget`,
 * `eventPhase`, `timeStamp`, …) and methods (`stopImmediatePropagation()`, …), without building a
 * `MessageEvent`, which costs more than the rest of the receive path (it reads the clock and
 * validates its init for every message). `ws` hands its `onmessage` a plain object too.
 *
 * What it cannot do: be dispatched again by another `EventTarget` (Node's and the browsers' accept
 * only the events they built); copy what you need (`new MessageEvent('message', { data })`).
 * `timeStamp` is when its run of messages arrived, on heartsocket's clock.
 *
 * @example
 * ```ts
 * socket.addEventListener('message', (event) => {
 *   event instanceof MessageEvent; // true
 *   event.target === socket; // true
 * });
 * ```
 */
export class LightMessageEvent implements DispatchState {
  [TARGET]: EventTarget | null = null;
  [PHASE] = 0;
  [STOPPED] = false;

  // Private fields behind getters: a plain field named `data` would be an assignment to
  // MessageEvent's accessor wherever class fields compile to assignments, and throw.
  readonly #data: unknown;
  readonly #origin: string;
  readonly #timeStamp: number;

  /**
   * @param data the message: a string, or binary data of the socket's `binaryType`.
   * @param origin the origin of the socket's URL.
   * @param timeStamp when the message's run of messages arrived, in ms on heartsocket's clock.
   */
  constructor(data: unknown, origin: string, timeStamp: number) {
    this.#data = data;
    this.#origin = origin;
    this.#timeStamp = timeStamp;
  }

  get data(): unknown {
    return this.#data;
  }
  get origin(): string {
    return this.#origin;
  }
  get timeStamp(): number {
    return this.#timeStamp;
  }
  get type(): 'message' {
    return 'message';
  }
  get target(): EventTarget | null {
    return this[TARGET];
  }
  get srcElement(): EventTarget | null {
    return this[TARGET];
  }
  get currentTarget(): EventTarget | null {
    return this[PHASE] === AT_TARGET ? this[TARGET] : null;
  }
  get eventPhase(): number {
    return this[PHASE];
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
  get bubbles(): boolean {
    return false;
  }
  get cancelable(): boolean {
    return false;
  }
  get composed(): boolean {
    return false;
  }
  get defaultPrevented(): boolean {
    return false;
  }
  get isTrusted(): boolean {
    return false;
  }
  get returnValue(): boolean {
    return true;
  }
  get cancelBubble(): boolean {
    return this[STOPPED];
  }
  /** Not cancelable, as a WebSocket's `message` event: nothing to prevent. */
  preventDefault(): void {}
  /** The socket is the only target: nothing to stop beyond it. */
  stopPropagation(): void {}
  /** The listeners after this one are not called. */
  stopImmediatePropagation(): void {
    this[STOPPED] = true;
  }
  composedPath(): EventTarget[] {
    return this[PHASE] === AT_TARGET ? [this[TARGET]!] : [];
  }
}

// `instanceof MessageEvent` holds; every field and method it inherits is shadowed above.
Object.setPrototypeOf(LightMessageEvent.prototype, MessageEvent.prototype);
