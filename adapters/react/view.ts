/**
 * One `useHeartSocket` call, outside React: the socket it holds, and what it shows — the socket,
 * its status, state and readyState, the last message — as a store for `useSyncExternalStore` that
 * re-renders only for what the component reads. The snapshot changes identity only when a field
 * the component has read changed: a component that reads `state` alone is not re-rendered by
 * messages; one that never reads `lastMessage` pays nothing for them.
 */
import type { HeartSocket } from '../HeartSocket.js';
import { HeartSocketError } from '../errors.js';
import { HeartSocketErrorEvent, type HeartSocketCloseEvent, type StateChangeEvent } from '../events.js';
import type { UrlSource } from '../url.js';
import type { ResumeResult, SendData, SocketStateName } from '../../machine/types.js';
import type { HeartSocketStatus, HookSocket } from './hookSocket.js';
import type { UseHeartSocketOptions } from './options.js';
import { acquire, type Holder, type Lease } from './registry.js';

/** The fields a component can read; each re-renders it only once read. */
export interface ViewSnapshot {
  socket: HeartSocket | null;
  status: HeartSocketStatus;
  state: SocketStateName;
  readyState: number;
  lastMessage: MessageEvent | null;
  lastResume: ResumeResult | null;
}

type Field = keyof ViewSnapshot;
const FIELDS: readonly Field[] = ['socket', 'status', 'state', 'readyState', 'lastMessage', 'lastResume'];

/** `readyState` of the states a hook shows before it has a socket. */
const IDLE_READY_STATE = { connecting: 0, closed: 3 } as const;

export class SocketView implements Holder {
  /** The latest options of the component: its filter and callbacks are read at each event. */
  options: UseHeartSocketOptions = {};
  /** The latest URL of the component: a url function is called from it (see the registry). */
  url: UrlSource = '';
  /** The fields the component has read (sticky: once read, they re-render it). */
  readonly #read = new Set<Field>();
  readonly #listeners = new Set<() => void>();
  /** The key and socket last connected; `#connected` only while connected. */
  #key: string | null = null;
  #socket: HookSocket | null = null;
  #connected: HookSocket | null = null;
  /** The hold on the socket, while connected. */
  #lease: Lease | null = null;
  #lastMessage: MessageEvent | null = null;
  #snapshot: ViewSnapshot | null = null;
  /** Messages sent while there is no socket. */
  readonly #waiting: SendData[] = [];

  /** For `useSyncExternalStore`. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /**
   * What the component shows for `key` (null: no URL). Before `connect(key)` — on mount, and in
   * the render after the URL changed — there is no socket, and the state is `idle`.
   */
  snapshot(key: string | null, idle: 'connecting' | 'closed'): ViewSnapshot {
    const socket = key !== null && key === this.#key ? this.#socket : null;
    const fresh: ViewSnapshot = {
      socket,
      status: socket?.status ?? idle,
      state: socket?.state ?? idle,
      readyState: socket?.readyState ?? IDLE_READY_STATE[idle],
      lastMessage: socket === null ? null : this.#lastMessage,
      // `resume` on: the session's own record, so a component joining a shared socket sees it too.
      lastResume: socket?.session?.lastResume ?? null,
    };
    const cached = this.#snapshot;
    if (cached !== null && FIELDS.every((field) => !this.#read.has(field) || cached[field] === fresh[field])) {
      // Nothing the component reads changed: the same snapshot (no render), brought up to date
      // for a field it reads for the first time in its next render.
      return Object.assign(cached, fresh);
    }
    return (this.#snapshot = fresh);
  }

  /** Marks `field` as read by the component: from now on its changes re-render it. */
  read<F extends Field>(snapshot: ViewSnapshot, field: F): ViewSnapshot[F] {
    this.#read.add(field);
    return snapshot[field];
  }

  /**
   * Sends what was sent before the socket existed. A socket that refuses (closed by another
   * component, or its queue full) must not break the effect: the caller hears of it by `onError`,
   * with how many messages were not sent.
   */
  #sendWaiting(socket: HeartSocket): void {
    const waiting = this.#waiting.splice(0);
    for (const [index, data] of waiting.entries()) {
      try {
        socket.send(data);
      } catch (error) {
        const lost = waiting.length - index;
        this.#refused(new Error(`${lost} message(s) sent before the socket existed were not sent: ${String(error)}`, { cause: error }));
        return;
      }
    }
  }

  /**
   * A message the socket did not take: to `onError`, or without one a `console.warn` (in every
   * build: a lost message must not go unsaid); never a throw out of an event handler.
   */
  #refused(error: Error): void {
    const { onError } = this.options;
    if (onError !== undefined) onError(new HeartSocketErrorEvent(error));
    else console.warn(`heartsocket/react: a message was not sent: ${error.message} (pass onError to handle this)`);
  }

  /**
   * Takes the socket of `key` (made with the latest URL and options, or shared) and listens to it
   * until the returned function is called, which lets go of it. Messages sent meanwhile go to it
   * now. `lastMessage` starts over with each new socket.
   */
  connect(key: string): () => void {
    const lease = acquire(key, this);
    this.#lease = lease;
    const { socket } = lease;
    if (socket !== this.#socket) this.#lastMessage = null;
    this.#key = key;
    this.#socket = socket;
    this.#connected = socket;
    const onState = (event: StateChangeEvent) => {
      // The end nobody asked for: told once, on the way into `closed` (the event's state, not the
      // socket's: several changes of one step are delivered after it).
      if (event.state === 'closed' && !socket.closeRequested) this.options.onReconnectStop?.(socket.actor.getSnapshot().context.lastClose);
      this.#changed();
    };
    const onMessage = (event: Event) => {
      const message = event as MessageEvent;
      const { filter, onMessage } = this.options;
      onMessage?.(message);
      if (filter !== undefined && !filter(message)) return;
      this.#lastMessage = message;
      this.#changed();
    };
    const onOpen = (event: Event) => {
      this.options.onOpen?.(event);
      // `resume` on: `lastResume` is new with each open.
      if (socket.session !== null) this.#changed();
    };
    const onClose = (event: HeartSocketCloseEvent) => {
      this.options.onClose?.(event);
      this.#changed();
    };
    const onError = (event: HeartSocketErrorEvent) => this.options.onError?.(event);
    socket.addEventListener('statechange', onState);
    socket.addEventListener('message', onMessage);
    socket.addEventListener('open', onOpen);
    socket.addEventListener('close', onClose);
    socket.addEventListener('error', onError);
    this.#sendWaiting(socket);
    this.#changed();
    return () => {
      socket.removeEventListener('statechange', onState);
      socket.removeEventListener('message', onMessage);
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('close', onClose);
      socket.removeEventListener('error', onError);
      if (this.#connected === socket) this.#connected = null;
      if (this.#lease === lease) this.#lease = null;
      lease.release();
    };
  }

  /**
   * `socket.send(data)`; without a socket, the message waits for the next `connect`. A message the
   * socket refuses (after `close()`, or the queue full) is reported, not thrown (see `#refused`).
   * Nothing is returned on purpose: `useEffect(() => send(x))` would hand React the return value
   * as the effect's cleanup.
   * @throws {TypeError} data that is not a string, ArrayBuffer, typed array, DataView or Blob.
   */
  readonly send = (data: SendData): void => {
    if (this.#connected === null) {
      this.#waiting.push(data);
      return;
    }
    try {
      this.#connected.send(data);
    } catch (error) {
      if (!(error instanceof HeartSocketError)) throw error;
      this.#refused(error);
    }
  };

  /**
   * Takes the latest render's URL and options; in development, says when a change of options
   * needs a new socket — not when `key` changed too: the effect is about to make that socket.
   */
  update(key: string | null, url: UrlSource | null, options: UseHeartSocketOptions): void {
    this.options = options;
    if (url !== null) this.url = url;
    if (key === this.#key) this.#lease?.checkOptions();
  }

  /** `socket.close(code, reason)`; nothing without a socket. */
  readonly close = (code?: number, reason?: string): void => this.#connected?.close(code, reason);

  /** `socket.reconnect(code, reason)`; nothing without a socket. */
  readonly reconnect = (code?: number, reason?: string): void => this.#connected?.reconnect(code, reason);

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
