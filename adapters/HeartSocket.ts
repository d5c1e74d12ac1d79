import type { Actor } from 'xstate';
import type { socketMachine } from '../machine/socketMachine.js';
import { stateNameOf } from '../machine/stateName.js';
import type { SendData, SocketStateName } from '../machine/types.js';
import { rejectUnknownKeys } from '../machine/settings.js';
import { bindSocket, SOCKET_OPTION_KEYS, type SocketOptions } from './createSocketActor.js';
import { HeartSocketError } from './errors.js';
import {
  HeartSocketCloseEvent,
  HeartSocketErrorEvent,
  LightMessageEvent,
  StateChangeEvent,
  UndeliveredEvent,
} from './events.js';
import type { SocketLink } from './socketLink.js';
import type { UrlSource } from './url.js';
import { ReadyState } from './webSocketLike.js';

/**
 * Options of `new HeartSocket(url, protocols, options)`: the timing policy, the WebSocket to use,
 * the queue and the inspector. Every option is optional; see the README's options table.
 *
 * @example
 * ```ts
 * const options: HeartSocketOptions = {
 *   heartbeat: { interval: 10_000, timeout: 5000 },
 *   reconnect: { delay: 1000, factor: 2, maxDelay: 30_000, jitter: 0.5 },
 *   queue: { max: 100 },
 * };
 * const socket = new HeartSocket('wss://example.com/feed', [], options);
 * ```
 */
export type HeartSocketOptions = SocketOptions;

/** Which `readyState` each state shows: a socket waiting to retry is, to its user, connecting. */
const READY_STATE: Record<SocketStateName, number> = {
  connecting: ReadyState.CONNECTING,
  reconnectWait: ReadyState.CONNECTING,
  open: ReadyState.OPEN,
  awaitingPong: ReadyState.OPEN,
  closing: ReadyState.CLOSING,
  closed: ReadyState.CLOSED,
};

type Handler<E extends Event> = ((this: HeartSocket, event: E) => unknown) | null;

function isSendData(data: unknown): data is SendData {
  return (
    typeof data === 'string' ||
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    (typeof Blob !== 'undefined' && data instanceof Blob)
  );
}

const utf8 = new TextEncoder();

/** The WebSocket standard's rules for `close(code, reason)`. */
function checkCloseArguments(code: number | undefined, reason: string | undefined): void {
  if (code !== undefined && !(code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999))) {
    throw new RangeError(`heartsocket: close(code) must be 1000 or 3000–4999, got ${String(code)}.`);
  }
  if (reason !== undefined && utf8.encode(reason).byteLength > 123) {
    throw new SyntaxError('heartsocket: close(code, reason): the reason must be at most 123 bytes of UTF-8.');
  }
}

/**
 * A WebSocket that stays connected: a drop-in for the standard `WebSocket` whose lifecycle is the
 * `socketMachine` statechart. It sends a ping after `heartbeat.interval` ms of silence, closes
 * the socket when no reply comes within `heartbeat.timeout`, and reconnects with backoff.
 *
 * Events: `open`, `message`, `close` (once per underlying socket, including failed attempts),
 * `error`, plus `statechange` (the machine moved) and `undelivered` (queued messages that will
 * never be sent). `send()` while not open queues, in order, up to `queue.max`.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws'; // Node 20; browsers and Node 22+ need no option
 * const socket = new HeartSocket('wss://example.com/feed', [], { WebSocket });
 * socket.onmessage = (event) => console.log(event.data);
 * socket.addEventListener('statechange', (event) => console.log(event.state));
 * socket.send('hello'); // queued until open
 * ```
 * @public
 */
export class HeartSocket extends EventTarget {
  /** `readyState` while connecting, and while waiting to retry: `0`. */
  static readonly CONNECTING = ReadyState.CONNECTING;
  /** `readyState` while open (also while a pong is awaited): `1`. */
  static readonly OPEN = ReadyState.OPEN;
  /** `readyState` during the closing handshake: `2`. */
  static readonly CLOSING = ReadyState.CLOSING;
  /** `readyState` once the connection has ended for good: `3`. */
  static readonly CLOSED = ReadyState.CLOSED;
  /** `readyState` while connecting, and while waiting to retry: `0`. */
  readonly CONNECTING = ReadyState.CONNECTING;
  /** `readyState` while open (also while a pong is awaited): `1`. */
  readonly OPEN = ReadyState.OPEN;
  /** `readyState` during the closing handshake: `2`. */
  readonly CLOSING = ReadyState.CLOSING;
  /** `readyState` once the connection has ended for good: `3`. */
  readonly CLOSED = ReadyState.CLOSED;

  /** Called on `open`: every time a connection opens, the first one and each reconnect. */
  onopen: Handler<Event> = null;
  /**
   * Called on `message`: every incoming message, except pongs matched by `heartbeat.isPong`. While
   * no `message` listener is added, the event is a plain object with `MessageEvent`'s fields (`data`,
   * `origin`, `type`, `target`, …), not an `Event`: the fast path, like `ws`'s own `onmessage`.
   */
  onmessage: Handler<MessageEvent> = null;
  /** Called on `close`: once per underlying socket, failed attempts included. */
  onclose: Handler<HeartSocketCloseEvent> = null;
  /** Called on `error`: the socket reported one; a `close` follows. */
  onerror: Handler<HeartSocketErrorEvent> = null;

  /** The running XState actor: subscribe to it, inspect it, or read its context. */
  readonly actor: Actor<typeof socketMachine>;
  readonly #link: SocketLink;
  #state: SocketStateName;
  /** Set once a `message` listener is added: from then on messages are dispatched as `MessageEvent`s. */
  #messageListeners = false;

  /**
   * @param url a `ws:`/`wss:` URL, or a function (sync or async) called before every attempt.
   * @param protocols subprotocols, as for `WebSocket`.
   * @param options the policy and the socket to use; see the README's options table.
   * @throws {SyntaxError} an invalid URL; {@link TypeError}/{@link RangeError} a bad option.
   */
  constructor(url: UrlSource, protocols?: string | string[], options: HeartSocketOptions = {}) {
    super();
    rejectUnknownKeys('', options, SOCKET_OPTION_KEYS);
    const binding = bindSocket(url, protocols, options, {
      onMessage: (event) => this.#message(event.data, event.origin ?? ''),
      // The queue is discarded while the machine enters `closed`, before its snapshot and its
      // `close` event are out: report it after them, so a listener sees `closed` (and its send() throws).
      onUndelivered: (messages, error) =>
        queueMicrotask(() => {
          this.#syncState();
          this.#dispatch('undelivered', new UndeliveredEvent(messages, error));
        }),
    });
    this.actor = binding.actor;
    this.#link = binding.link;
    this.#state = 'connecting';
    // XState runs `actor.on` listeners before its subscribers: take the new state first, so that
    // `state` and `readyState` are already OPEN in `onopen` (and CLOSED in a final `onclose`).
    this.actor.on('open', () => {
      this.#syncState();
      this.#dispatch('open', new Event('open'));
    });
    this.actor.on('close', ({ code, reason, wasClean }) => {
      this.#syncState();
      this.#dispatch('close', new HeartSocketCloseEvent({ code, reason, wasClean }));
    });
    this.actor.on('error', ({ error }) => {
      this.#syncState();
      this.#dispatch('error', new HeartSocketErrorEvent(error));
    });
    this.actor.subscribe(() => this.#syncState());
    this.actor.start();
  }

  /** After close() (or once the connection ended for good): nothing more is sent or closed. */
  get #isOver(): boolean {
    return this.#state === 'closed' || this.actor.getSnapshot().context.closeRequest !== null;
  }

  /** Takes the actor's current state; a change is announced with `statechange`. */
  #syncState(): void {
    const state = stateNameOf(this.actor.getSnapshot());
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.#dispatch('statechange', new StateChangeEvent(state, previous));
  }

  /** The machine's state: `connecting`, `open`, `awaitingPong`, `closing`, `closed` or `reconnectWait`. */
  get state(): SocketStateName {
    return this.#state;
  }

  /** `CONNECTING` (also while waiting to retry), `OPEN`, `CLOSING` or `CLOSED`. */
  get readyState(): number {
    return READY_STATE[this.#state];
  }

  /** The URL of the latest attempt (for a url function, what it last returned); '' before it. */
  get url(): string {
    return this.#link.attemptUrl;
  }

  /** The subprotocol the server chose on the current connection. */
  get protocol(): string {
    return this.#link.latestSocket?.protocol ?? '';
  }

  /** The extensions the server chose on the current connection. */
  get extensions(): string {
    return this.#link.latestSocket?.extensions ?? '';
  }

  /** Bytes queued here while not open, plus bytes the current socket has not yet sent. */
  get bufferedAmount(): number {
    return this.#link.queue.bytes + (this.#link.socket?.bufferedAmount ?? 0);
  }

  /** How binary messages arrive; kept across reconnects. Before a socket exists, the socket's default. */
  get binaryType(): string {
    return this.#link.binaryType ?? this.#link.latestSocket?.binaryType ?? 'blob';
  }

  set binaryType(value: string) {
    this.#link.binaryType = value;
    const socket = this.#link.latestSocket;
    if (socket) socket.binaryType = value;
  }

  /**
   * Sends now when open; otherwise queues (in order, up to `queue.max`) for the next open.
   * @throws {TypeError} data that is not a string, ArrayBuffer, typed array, DataView or Blob.
   * @throws {HeartSocketError} `CLOSED` after `close()` or once the connection has ended for
   *   good; `QUEUE_FULL` when the queue is full. Either way the message was not taken.
   */
  send(data: SendData): void {
    if (!isSendData(data)) {
      throw new TypeError(`heartsocket: send() takes a string, ArrayBuffer, typed array, DataView or Blob, got ${typeof data}.`);
    }
    if (this.#isOver) {
      throw new HeartSocketError(
        'CLOSED',
        'send() after the connection was closed; call reconnect() first, or create a new HeartSocket.',
      );
    }
    this.#link.send(data);
  }

  /**
   * Ends the connection for good: nothing reconnects until `reconnect()`. An open socket does the
   * closing handshake (abandoned after `closeTimeout`); otherwise the attempt stops at once.
   * Exactly one `close` event follows; calling it again does nothing.
   * @throws {RangeError} a code other than 1000 or 3000–4999. {@link SyntaxError}: a reason over 123 bytes.
   */
  close(code?: number, reason?: string): void {
    checkCloseArguments(code, reason);
    if (this.#isOver) return;
    this.actor.send({ type: 'CLOSE', ...(code !== undefined && { code }), ...(reason !== undefined && { reason }) });
  }

  /** Connects again now, with a fresh retry count: from `closed`, while waiting, or replacing the current socket. */
  reconnect(): void {
    this.actor.send({ type: 'RECONNECT' });
  }

  /**
   * `EventTarget`'s (its parameter types too: the DOM's names are missing from Node-only projects).
   * Once a `message` listener is added, every message is dispatched as a standard `MessageEvent`.
   */
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    if (args[0] === 'message') this.#messageListeners = true;
    super.addEventListener(...args);
  }

  /**
   * One incoming message. With no `message` listener (the common case: `onmessage` alone) it skips
   * `dispatchEvent`, which would find no one: `onmessage` gets a `LightMessageEvent`.
   */
  #message(data: unknown, origin: string): void {
    if (this.#messageListeners) {
      this.#dispatch('message', new MessageEvent('message', { data, origin }));
      return;
    }
    this.#call(this.onmessage, new LightMessageEvent(data, origin, this));
    // A listener that onmessage just added hears this message too, as it would have by dispatchEvent.
    if (this.#messageListeners) this.dispatchEvent(new MessageEvent('message', { data, origin }));
  }

  #dispatch(type: 'open' | 'message' | 'close' | 'error' | 'statechange' | 'undelivered', event: Event): void {
    this.#call((this as unknown as Record<string, Handler<Event>>)[`on${type}`], event);
    this.dispatchEvent(event);
  }

  /** Calls an `on…` handler; one that throws must not break the socket. */
  #call(handler: unknown, event: object): void {
    if (typeof handler !== 'function') return;
    try {
      handler.call(this, event);
    } catch (error) {
      reportError(error);
    }
  }
}

/** A throwing user handler must not break the socket: report it as the platform does, later. */
function reportError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
