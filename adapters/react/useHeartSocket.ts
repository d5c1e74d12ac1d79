import { useCallback, useEffect, useInsertionEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { HeartSocket } from '../HeartSocket.js';
import type { SendData, SocketStateName } from '../../machine/types.js';
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
 * const { state, lastJsonMessage, sendJson } = useHeartSocket<{ price: number }>(url);
 * // state: 'connecting' → 'open' → …; lastJsonMessage: the latest message's JSON
 * if (state === 'open') sendJson({ subscribe: 'EUR/USD' });
 * ```
 */
export interface UseHeartSocketResult<T = unknown> {
  /**
   * The machine's state: `connecting`, `open`, `awaitingPong`, `closing`, `closed` or
   * `reconnectWait`. Before the socket is made (the first render, and the one after the URL
   * changed) `connecting`, or `closed` for a `null` URL or `startClosed`.
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
  /** The `HeartSocket` itself, for anything else (`retryCount`, `actor`, listeners); `null` before it is made. */
  readonly socket: HeartSocket | null;
  /**
   * `socket.send(data)`: sent now when open, otherwise queued for the next open. Before the socket
   * is made (until the component's effects have run, or while the URL is `null`) messages wait
   * here, in order, and go to the socket when it is made.
   * @throws {HeartSocketError} `CLOSED` after `close()`, `QUEUE_FULL` when the queue is full.
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
 * connects to the new URL). `null` as the URL: no socket (`state` is `closed`).
 *
 * With `share: true`, the components that use the same URL share one connection, closed when the
 * last of them unmounts; the first one's socket options are used (see
 * {@link UseHeartSocketOptions.share}). Correct under StrictMode: its second mount gets the very
 * socket of the first, so the server sees one connection, and none is left after unmount.
 *
 * The socket options and `protocols` are read when the socket is made; `filter` and the `on…`
 * callbacks are read at each event, so inline functions are fine. A bad URL or option throws
 * from the effect, as `new HeartSocket` does, to the nearest error boundary.
 *
 * @param url a `ws:`/`wss:` URL (a string or `URL`, compared as a string), or `null` for no socket.
 * @param options every `HeartSocket` option, plus `protocols`, `share`, `filter` and `onOpen`,
 *   `onMessage`, `onClose`, `onError`.
 *
 * @example
 * ```tsx
 * import { useHeartSocket } from 'heartsocket/react';
 *
 * function Ticker() {
 *   const { state, lastJsonMessage, sendJson } = useHeartSocket<{ price: number }>('wss://example.com/feed', {
 *     share: true, // one connection for every component on this URL
 *     heartbeat: { interval: 10_000 },
 *     onOpen: () => sendJson({ subscribe: 'EUR/USD' }), // also after every reconnect
 *   });
 *   return <p>{state === 'open' ? lastJsonMessage?.price : state}</p>;
 * }
 * ```
 */
export function useHeartSocket<T = unknown>(url: string | URL | null, options: UseHeartSocketOptions = {}): UseHeartSocketResult<T> {
  const [view] = useState(() => new SocketView());
  const [id] = useState(() => ++hooks);
  const href = url === null ? null : String(url);
  const key = href === null ? null : options.share === true ? `shared ${href}` : `${id} ${href}`;
  const idle = href === null || options.startClosed === true ? 'closed' : 'connecting';

  // The latest filter and callbacks, for the events; committed before the effect below reads them.
  useInsertionEffect(() => {
    view.options = options;
  });

  const getSnapshot = useCallback(() => view.snapshot(key, idle), [view, key, idle]);
  const snapshot = useSyncExternalStore(view.subscribe, getSnapshot, getSnapshot);

  useEffect(() => (key === null || href === null ? undefined : view.connect(key, href)), [view, key, href]);

  const { send, close, reconnect } = view;
  const sendJson = useCallback((value: unknown) => send(JSON.stringify(value)), [send]);

  return useMemo(
    () => ({
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
      send,
      sendJson,
      close,
      reconnect,
    }),
    [view, snapshot, send, sendJson, close, reconnect],
  );
}
