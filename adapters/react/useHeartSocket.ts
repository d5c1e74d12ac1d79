import { useCallback, useEffect, useInsertionEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { HeartSocket } from '../HeartSocket.js';
import type { UrlSource } from '../url.js';
import type { ResumeResult, SendData, SocketStateName } from '../../machine/types.js';
import type { HeartSocketStatus } from './hookSocket.js';
import type { UseHeartSocketOptions } from './options.js';
import { jsonOf } from './json.js';
import { SocketView } from './view.js';

/**
 * What `useHeartSocket` returns. Reading a field is what subscribes the component to it: one
 * that reads only `state` re-renders when the state changes, never for a message; one that
 * reads `lastMessage` (or `lastJsonMessage`) re-renders for each message its `filter` lets
 * through. The functions are the same from render to render.
 *
 * @example
 * ```ts
 * const { status, lastJsonMessage, sendJson } = useHeartSocket<{ price: number }>(url);
 * // status: 'connecting' → 'open' (→ 'reconnecting' → 'open' …); lastJsonMessage: the latest message's JSON
 * if (status === 'open') sendJson({ subscribe: 'EUR/USD' });
 * ```
 */
export interface UseHeartSocketResult<T = unknown> {
  /**
   * What the connection is, coarsely — the field to show: `connecting` (the first connection),
   * `open` (sending works; a healthy heartbeat does not change it), `reconnecting` (lost or
   * failed, a retry is coming), `closing` or `closed`. Before the socket is made, `connecting`,
   * or `closed` for a `null` URL or `startClosed`.
   */
  readonly status: HeartSocketStatus;
  /**
   * The machine's state: `connecting`, `open`, `awaitingPong`, `closing`, `closed` or
   * `reconnectWait`. Fine-grained: it passes through `awaitingPong` on every heartbeat round (two
   * renders a round for a component that reads it); show `status` instead. Before the socket is
   * made (the first render, and the one after the URL changed) `connecting`, or `closed` for a
   * `null` URL or `startClosed`.
   */
  readonly state: SocketStateName;
  /** The socket's `readyState` (`0` CONNECTING … `3` CLOSED), as `state` before the socket is made. */
  readonly readyState: number;
  /**
   * The last message that `filter` let through since this component got its socket (pongs
   * excluded); `null` before. Several messages arriving before React renders show as the last of
   * them: use `onMessage` to see each one.
   */
  readonly lastMessage: MessageEvent | null;
  /** `lastMessage`'s data parsed as JSON (parsed once, when read); `undefined` if none, binary, or not JSON. */
  readonly lastJsonMessage: T | undefined;
  /**
   * `resume` on: how the last session handshake ended (`resumed`, `reason`, `sessionId`); `null`
   * before one did, and without `resume`. After a failed resume (`resumed: false` with a
   * `reason`), resync from your source of truth.
   */
  readonly lastResume: ResumeResult | null;
  /** The `HeartSocket` itself, for anything else (`retryCount`, `actor`, listeners); `null` before it is made. */
  readonly socket: HeartSocket | null;
  /**
   * `socket.send(data)`: sent now when open, otherwise queued for the next open. Before the socket
   * is made (until the component's effects have run, or while the URL is `null`) messages wait
   * here, in order, and go to the socket when it is made. A message that cannot be taken — after
   * `close()` (until `reconnect()`), or with the queue full — is never thrown out of a click
   * handler, nor lost without a word: its `HeartSocketError` (`CLOSED`, `QUEUE_FULL`) goes to
   * `onError`, or without `onError` to `console.warn`. (It returns nothing, so that
   * `useEffect(() => send(x))` stays a valid effect.)
   * @throws {TypeError} data that is not a string, ArrayBuffer, typed array, DataView or Blob.
   */
  readonly send: (data: SendData) => void;
  /** `send(JSON.stringify(value))`. */
  readonly sendJson: (value: unknown) => void;
  /**
   * `socket.close(code, reason)`: ends the connection for good, until `reconnect()` — for every
   * component sharing it. Does nothing before the socket is made.
   */
  readonly close: (code?: number, reason?: string) => void;
  /**
   * `socket.reconnect(code, reason)`: connects again now, with a fresh retry count (also after
   * `close()`) — for every component sharing it. Does nothing before the socket is made.
   */
  readonly reconnect: (code?: number, reason?: string) => void;
}

/** Numbers the hooks, for the keys of their own (unshared) sockets. */
let hooks = 0;

/**
 * A `HeartSocket` for as long as the component is mounted: made in an effect (never during
 * render), closed on unmount, replaced when `url` changes (the old socket closes, a new one
 * connects to the new URL). `null` as the URL: no socket (`status` is `closed`).
 *
 * The socket closes a microtask after the unmount (or the URL change), not during it: StrictMode
 * unmounts and remounts every effect at once, and a component that takes over a shared socket in
 * the same commit must find it still open. So an unmounted component's socket is still open for
 * the rest of the current task — its close handshake (a `close` frame, 1000) starts right after.
 * Nothing reaches the unmounted component meanwhile: its listeners are removed at unmount.
 *
 * With `share: true`, the components that use the same URL share one connection, closed when the
 * last of them unmounts; the first one's socket options are used (see
 * {@link UseHeartSocketOptions.share}). Correct under StrictMode: its second mount gets the very
 * socket of the first, so the server sees one connection, and none is left after unmount.
 *
 * The socket options and `protocols` are read when the socket is made; their functions
 * (`shouldReconnect`, `isPong`, `heartbeat.message`, `reconnect.delay`, a url function), `filter`
 * and the `on…` callbacks are called from the latest render, so inline functions are fine. A bad
 * URL or option throws from the effect, as `new HeartSocket` does, to the nearest error boundary.
 *
 * @param url a `ws:`/`wss:` URL (a string or `URL`, compared as a string); a function (sync or
 *   async) called before every attempt, as `HeartSocket` takes (rotating tokens) — from the latest
 *   render, and a new function at each render does not reconnect; or `null` for no socket.
 * @param options every `HeartSocket` option, plus `protocols`, `share`, `filter` and `onOpen`,
 *   `onMessage`, `onClose`, `onError`.
 *
 * @example
 * ```tsx
 * import { useHeartSocket } from 'heartsocket/react';
 *
 * function Ticker() {
 *   const { status, lastJsonMessage, sendJson } = useHeartSocket<{ price: number }>('wss://example.com/feed', {
 *     share: true, // one connection for every component on this URL
 *     heartbeat: { interval: 10_000 },
 *     onOpen: () => sendJson({ subscribe: 'EUR/USD' }), // also after every reconnect
 *   });
 *   return <p>{status === 'open' ? lastJsonMessage?.price : status}</p>; // no re-render per ping
 * }
 * ```
 */
export function useHeartSocket<T = unknown>(url: UrlSource | null, options: UseHeartSocketOptions = {}): UseHeartSocketResult<T> {
  const [view] = useState(() => new SocketView());
  const [id] = useState(() => ++hooks);
  const key = socketKey(url, options.share, id);
  const idle = key === null || options.startClosed === true ? 'closed' : 'connecting';

  // The latest URL, options and callbacks, for the socket and the events; committed before the
  // effect below reads them.
  useInsertionEffect(() => view.update(key, url, options));

  const getSnapshot = useCallback(() => view.snapshot(key, idle), [view, key, idle]);
  const snapshot = useSyncExternalStore(view.subscribe, getSnapshot, getSnapshot);

  useEffect(() => (key === null ? undefined : view.connect(key)), [view, key]);

  const { send, close, reconnect } = view;
  const sendJson = useCallback((value: unknown) => send(JSON.stringify(value)), [send]);

  return useMemo(
    () => ({
      get status() {
        return view.read(snapshot, 'status');
      },
      get state() {
        return view.read(snapshot, 'state');
      },
      get readyState() {
        return view.read(snapshot, 'readyState');
      },
      get lastMessage() {
        return view.read(snapshot, 'lastMessage');
      },
      get lastJsonMessage() {
        return jsonOf(view.read(snapshot, 'lastMessage')) as T | undefined;
      },
      get socket() {
        return view.read(snapshot, 'socket');
      },
      get lastResume() {
        return view.read(snapshot, 'lastResume');
      },
      send,
      sendJson,
      close,
      reconnect,
    }),
    [view, snapshot, send, sendJson, close, reconnect],
  );
}

/**
 * Which socket a hook holds: its own, per URL (a url function is one URL however often it is
 * made anew), or a shared one by URL or by the key given as `share`.
 * @throws {TypeError} `share: true` with a url function: a function is no key to share by.
 */
function socketKey(url: UrlSource | null, share: boolean | string | undefined, id: number): string | null {
  if (url === null) return null;
  if (typeof share === 'string') return `key ${share}`;
  if (typeof url === 'function') {
    if (share === true) {
      throw new TypeError(
        "heartsocket/react: options.share must be a key (a string) when the url is a function, got true; name the connection, e.g. share: 'feed'.",
      );
    }
    return `${id} function`;
  }
  return share === true ? `shared ${String(url)}` : `${id} ${String(url)}`;
}
