import type { Actor } from 'xstate';
import type { socketMachine } from '../machine/socketMachine.js';
import { nameByTags } from '../machine/stateName.js';
import type { SendData, SocketEmitted, SocketMachineEvent, SocketStateName } from '../machine/types.js';
import { bindSocket } from './bindSocket.js';
import type { DeliveryScheduler } from './deliveryScheduler.js';
import { HeartSocketError } from './errors.js';
import {
  HeartSocketCloseEvent,
  HeartSocketErrorEvent,
  LightMessageEvent,
  type OpenEvent,
  type ResumeEvent,
  StateChangeEvent,
  UndeliveredEvent,
} from './events.js';
import { resolveOptions, type SocketOptions } from './options.js';
import type { ProtocolsSource } from './protocols.js';
import type { SessionInfo } from './session.js';
import type { LinkHooks, SocketLink } from './socketLink.js';
import { SET_TRAFFIC_TAP, type TrafficTap } from './trafficTap.js';
import type { UrlSource } from './url.js';
import { ReadyState } from './webSocketLike.js';
import { HeartSocketEvent, SocketEventTarget, type AddOptions, type ListenerArgument, type RemoveOptions } from './eventTarget.js';

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

/**
 * The events of a `HeartSocket`, by type, for typed `addEventListener` / `removeEventListener`.
 *
 * @example
 * ```ts
 * socket.addEventListener('statechange', (event) => console.log(event.previous, '→', event.state));
 * socket.addEventListener('close', (event) => console.log(event.code, event.reason));
 * ```
 */
export interface HeartSocketEventMap {
  /** A connection opened. */
  open: OpenEvent;
  /** `resume` on: how each session handshake ended. */
  resume: ResumeEvent;
  /** A message arrived (a light `MessageEvent`: see `LightMessageEvent`). */
  message: MessageEvent;
  /** One underlying socket ended. */
  close: HeartSocketCloseEvent;
  /** The socket reported an error, or a function from the options threw. */
  error: HeartSocketErrorEvent;
  /** The machine moved to another of its six states. */
  statechange: StateChangeEvent;
  /** Queued messages that will never be sent. */
  undelivered: UndeliveredEvent;
}

/**
 * A listener of one of the socket's events: a function, or an object with `handleEvent`.
 *
 * @example
 * ```ts
 * const onState: HeartSocketListener<StateChangeEvent> = (event) => console.log(event.state);
 * socket.addEventListener('statechange', onState);
 * ```
 */
export type HeartSocketListener<E> = ((this: HeartSocket, event: E) => unknown) | { handleEvent(event: E): unknown };

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
 * A call takes effect before it returns, wherever it is made — in a listener too: `close()` in
 * `onopen` makes `readyState` CLOSING at once. The events a call causes are delivered after the
 * listeners of the current event have run.
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
export class HeartSocket extends SocketEventTarget {
  // The four constants are on the class and on its prototype, as a WebSocket has them (defined
  // below the class): not four fields per socket.
  /** `readyState` while connecting, and while waiting to retry: `0`. */
  declare static readonly CONNECTING: typeof ReadyState.CONNECTING;
  /** `readyState` while open (also while a pong is awaited): `1`. */
  declare static readonly OPEN: typeof ReadyState.OPEN;
  /** `readyState` during the closing handshake: `2`. */
  declare static readonly CLOSING: typeof ReadyState.CLOSING;
  /** `readyState` once the connection has ended for good (or before `startClosed` is started): `3`. */
  declare static readonly CLOSED: typeof ReadyState.CLOSED;
  /** `readyState` while connecting, and while waiting to retry: `0`. */
  declare readonly CONNECTING: typeof ReadyState.CONNECTING;
  /** `readyState` while open (also while a pong is awaited): `1`. */
  declare readonly OPEN: typeof ReadyState.OPEN;
  /** `readyState` during the closing handshake: `2`. */
  declare readonly CLOSING: typeof ReadyState.CLOSING;
  /** `readyState` once the connection has ended for good (or before `startClosed` is started): `3`. */
  declare readonly CLOSED: typeof ReadyState.CLOSED;

  /** The running XState actor: subscribe to it, inspect it, or read its context. */
  readonly actor: Actor<typeof socketMachine>;
  readonly #link: SocketLink;
  readonly #scheduler: DeliveryScheduler;
  readonly #binaryTypes: readonly string[];
  #state: SocketStateName;
  /** Queue reports made while the machine entered `closed`: announced after its `close` event. */
  #undelivered: UndeliveredEvent[] | null = null;

  /**
   * @param url a `ws:`/`wss:` URL, or a function (sync or async) called before every attempt.
   * @param protocols subprotocols, as for `WebSocket`, or a function (sync or async) returning them.
   * @param options the policy and the socket to use; see the README's options table.
   * @throws {SyntaxError} an invalid URL or subprotocol; {@link TypeError}/{@link RangeError} a bad option.
   */
  constructor(url: UrlSource, protocols?: ProtocolsSource, options: HeartSocketOptions = {}) {
    super();
    const resolved = resolveOptions(url, protocols, options);
    const hooks = new HeartSocket.#Hooks(this);
    const binding = bindSocket(resolved, hooks);
    this.actor = binding.actor;
    this.#link = binding.link;
    this.#scheduler = binding.scheduler;
    this.#binaryTypes = resolved.binaryTypes;
    this.#state = this.#stateNow();
    // XState runs `actor.on` listeners before its subscribers: take the new state first, so that
    // `state` and `readyState` are already OPEN in `onopen` (and CLOSED in a final `onclose`).
    // One listener for the three, a method of the hooks: each listener costs memory per connection.
    this.actor.on('*', hooks.emitted.bind(hooks));
    this.actor.subscribe(hooks);
    this.#scheduler.enter(() => this.actor.start());
  }

  /** Sends an event to the actor as one step (see `DeliveryScheduler`). */
  #send(event: SocketMachineEvent): void {
    this.#scheduler.enter(() => this.actor.send(event));
  }

  /** After close() (or once the connection ended for good): nothing more is sent or closed. */
  get #isOver(): boolean {
    return this.actor.getSnapshot().hasTag('forGood');
  }

  /** The actor's state now, by its tag (as `stateNameOf` reads it). */
  #stateNow(): SocketStateName {
    const snapshot = this.actor.getSnapshot();
    return nameByTags(snapshot, snapshot.value);
  }

  /** Takes the actor's current state (by its tag) at once; the change is announced with `statechange`. */
  #syncState(): void {
    const state = this.#stateNow();
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.#post('statechange', () => new StateChangeEvent(state, previous));
  }

  /**
   * Dispatches the event `build()` makes once the actor's step is over (see `DeliveryScheduler`).
   * Built only if someone listens (asked at delivery, not when posted: a listener added meanwhile
   * hears it).
   */
  #post(type: keyof HeartSocketEventMap, build: () => Event): void {
    this.#scheduler.post(() => {
      if (this.hasListeners(type)) this.dispatchEvent(build());
    });
  }

  /** The machine's state: `connecting`, `open`, `awaitingPong`, `closing`, `closed` or `reconnectWait`. */
  get state(): SocketStateName {
    return this.#state;
  }

  /**
   * `CONNECTING` (also while waiting to retry), `OPEN`, `CLOSING` or `CLOSED`. An open socket whose
   * peer has begun the closing handshake is CLOSING from the moment its close frame arrived.
   */
  get readyState(): number {
    const ready = READY_STATE[this.#state];
    const socket = this.#link.latestSocket;
    return ready === ReadyState.OPEN && socket !== null && socket.readyState > ReadyState.OPEN ? ReadyState.CLOSING : ready;
  }

  /**
   * `resume` on: the session as it stands (id, counts each way, the last handshake's result);
   * `null` without `resume`.
   *
   * @example
   * ```ts
   * const { unacknowledgedSent, lastResume } = socket.session ?? {};
   * ```
   */
  get session(): SessionInfo | null {
    return this.#link.session?.info ?? null;
  }

  /** Failed attempts since the last connection that stayed up `reconnect.minUptime`. */
  get retryCount(): number {
    return this.actor.getSnapshot().context.retries;
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
    return this.#link.queuedBytes + (this.#link.socket?.bufferedAmount ?? 0);
  }

  /**
   * How binary messages arrive — the type they really have: `'blob'` or `'arraybuffer'`, and with
   * `ws` also `'nodebuffer'` (its default) or `'fragments'`. Kept across reconnects. A value the
   * socket does not take is ignored, as a WebSocket ignores it.
   */
  get binaryType(): string {
    return this.#link.latestSocket?.binaryType ?? this.#link.binaryType ?? this.#binaryTypes[0]!;
  }

  set binaryType(value: string) {
    if (!this.#binaryTypes.includes(value)) return;
    this.#link.binaryType = value;
    const socket = this.#link.latestSocket;
    if (socket === null) return;
    socket.binaryType = value;
    this.#link.binaryType = socket.binaryType;
  }

  /**
   * Sends now when open; otherwise queues (in order, up to `queue.max`; binary data is copied) for
   * the next open.
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
    this.#send({ type: 'CLOSE', ...(code !== undefined && { code }), ...(reason !== undefined && { reason }) });
  }

  /**
   * Connects again now, with a fresh retry count: from `closed` (also a `startClosed` socket), while
   * waiting, or replacing the current socket. With a `code` (and `reason`) the replaced socket does
   * a closing handshake with them, in the background; without, it is dropped at once.
   * @throws {RangeError} a code other than 1000 or 3000–4999. {@link SyntaxError}: a reason over 123 bytes.
   */
  reconnect(code?: number, reason?: string): void {
    checkCloseArguments(code, reason);
    this.#send({ type: 'RECONNECT', ...(code !== undefined && { code }), ...(reason !== undefined && { reason }) });
  }

  // The `on…` handlers are accessors on the prototype, as a WebSocket has them (defined below the
  // class, with the constants): each is the callback of a listener of its own (`setHandler`).
  /** Called on `open`: every time a connection opens, the first one and each reconnect. */
  declare onopen: Handler<OpenEvent>;
  /**
   * Called on `message`: every incoming message, except pongs matched by `heartbeat.isPong`. The
   * event is a light `MessageEvent` (see `LightMessageEvent`), as `addEventListener` listeners get.
   */
  declare onmessage: Handler<MessageEvent>;
  /** Called on `close`: once per underlying socket, failed attempts included. */
  declare onclose: Handler<HeartSocketCloseEvent>;
  /** Called on `error`: the socket reported one (a `close` follows), or a function from the options threw. */
  declare onerror: Handler<HeartSocketErrorEvent>;

  /**
   * Adds a listener, as `EventTarget.addEventListener` does (`once`, `signal`, `capture`, objects
   * with `handleEvent`), typed by event: `statechange` gets a `StateChangeEvent`, and so on.
   */
  override addEventListener<K extends keyof HeartSocketEventMap>(
    type: K,
    listener: HeartSocketListener<HeartSocketEventMap[K]> | null,
    options?: AddOptions,
  ): void;
  override addEventListener(type: string, listener: ListenerArgument | null, options?: AddOptions): void;
  override addEventListener(type: string, listener: unknown, options?: AddOptions): void {
    super.addEventListener(type, listener as ListenerArgument | null, options);
  }

  /** Removes a listener added with the same callback and `capture`. */
  override removeEventListener<K extends keyof HeartSocketEventMap>(
    type: K,
    listener: HeartSocketListener<HeartSocketEventMap[K]> | null,
    options?: RemoveOptions,
  ): void;
  override removeEventListener(type: string, listener: ListenerArgument | null, options?: RemoveOptions): void;
  override removeEventListener(type: string, listener: unknown, options?: RemoveOptions): void {
    super.removeEventListener(type, listener as ListenerArgument | null, options);
  }

  /**
   * For the live view (`visualizations/inspector/watch.ts`): taps this socket's traffic while it is
   * watched; `null` removes the tap.
   *
   * @internal
   */
  [SET_TRAFFIC_TAP](tap: TrafficTap | null): void {
    this.#link.tap = tap;
  }

  /**
   * What the link hands this socket (its messages, and queued messages that will never be sent),
   * and the actor's observer. One small object per socket, its methods shared (closures would cost
   * more per connection).
   */
  static readonly #Hooks = class implements LinkHooks {
    constructor(readonly socket: HeartSocket) {}
    /** What the actor emits: `open`, `close` and `error`, announced as events. */
    emitted(emitted: SocketEmitted): void {
      const socket = this.socket;
      socket.#syncState();
      if (emitted.type === 'close') socket.#post('close', () => new HeartSocketCloseEvent(emitted));
      else if (emitted.type === 'error') socket.#post('error', () => new HeartSocketErrorEvent(emitted.error));
      else {
        // `open` and `resume`: their fields (`resumed`; `reason`, `sessionId`) on a plain event, no class per type in the bundle.
        const { type, ...fields } = emitted;
        socket.#post(type, () => Object.assign(new HeartSocketEvent(type), fields));
      }
    }

    /** Every new snapshot of the actor. */
    next(): void {
      const socket = this.socket;
      socket.#syncState();
      const undelivered = socket.#undelivered;
      if (undelivered === null) return;
      socket.#undelivered = null;
      for (const event of undelivered) socket.#post('undelivered', () => event);
    }
    onMessage(data: unknown, origin: string): void {
      const socket = this.socket;
      socket.#scheduler.deliverNow(HeartSocket.#deliverMessage, socket, data, origin);
    }
    onUndelivered(messages: SendData[], error: HeartSocketError): void {
      (this.socket.#undelivered ??= []).push(new UndeliveredEvent(messages, error));
    }
  };

  /** One incoming message, dispatched as a light `MessageEvent` (see `LightMessageEvent`). */
  static #deliverMessage(socket: HeartSocket, data: unknown, origin: string): void {
    const listeners = socket.messageListeners();
    if (listeners === undefined) return; // nobody to hear it: no event built
    const event = new LightMessageEvent(data, origin, socket.#link.lastHeardAt);
    socket.dispatchTo(listeners, 'message', event as unknown as Event, event);
  }
}

for (const type of ['open', 'message', 'close', 'error']) {
  Object.defineProperty(HeartSocket.prototype, `on${type}`, {
    get(this: HeartSocket) {
      return this.handlerOf<unknown>(type);
    },
    set(this: HeartSocket, handler: unknown) {
      this.setHandler(type, handler);
    },
    enumerable: true,
    configurable: true,
  });
}

for (const [name, value] of Object.entries(ReadyState)) {
  Object.defineProperty(HeartSocket, name, { value, enumerable: true });
  Object.defineProperty(HeartSocket.prototype, name, { value, enumerable: true });
}
