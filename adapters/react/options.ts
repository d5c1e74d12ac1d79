import type { HeartSocketOptions } from '../HeartSocket.js';
import type { HeartSocketCloseEvent, HeartSocketErrorEvent } from '../events.js';
import type { ProtocolsSource } from '../protocols.js';
import type { CloseInfo } from '../../machine/settings.js';

/**
 * Options of `useHeartSocket(url, options)`: every `HeartSocket` option, plus `protocols`,
 * `share`, a message `filter` and event callbacks.
 *
 * The socket options (and `protocols`) are read when the socket is made — on mount and when the
 * URL changes; changing them later does not reconnect: to apply a new `heartbeat.interval`,
 * `queue`, `WebSocket`, `clock` or the like, give the hook a new URL (or remount it); in
 * development, such a change is a `console.warn` saying so (once per component). The
 * functions among them — `heartbeat.isPong`, `heartbeat.message`, `reconnect.shouldReconnect`,
 * `reconnect.delay` and a url function — are called from the latest render, so inline ones are
 * fine: only functions you passed are wrapped so (the defaults keep their fast paths). With
 * `share`, the component that makes the shared socket gives its options, and its latest render's
 * functions are used until it unmounts, then the next holder's; see `share`. `filter` and the
 * callbacks are this component's own, and the latest ones are always used.
 *
 * @example
 * ```ts
 * const options: UseHeartSocketOptions = {
 *   share: true,
 *   protocols: ['feed.v2'],
 *   heartbeat: { interval: 10_000, timeout: 5000 },
 *   reconnect: { delay: 1000, factor: 2, maxDelay: 30_000, jitter: 0.5 },
 *   filter: (message) => typeof message.data === 'string' && message.data.startsWith('{"type":"price"'),
 *   onClose: (event) => console.log('socket ended', event.code, event.reason),
 * };
 * const { state, lastJsonMessage } = useHeartSocket(url, options);
 * ```
 */
export interface UseHeartSocketOptions extends HeartSocketOptions {
  /**
   * Subprotocols, as `new HeartSocket(url, protocols)`'s second argument. Read when the socket
   * is made, like the other socket options.
   * @default []
   */
  protocols?: ProtocolsSource;
  /**
   * One connection for every component that uses the same URL with `share: true` (or the same
   * key, with `share: 'a key'`: needed to share a socket whose URL is a function), counted: it
   * opens with the first of them and closes when the last one unmounts (or moves to another
   * URL). The first component's socket options (and `protocols`) win: a component that joins an
   * existing shared socket with options that differ has them ignored, and in development gets a
   * `console.warn` saying so (functions are compared by presence, not identity). `close()` and
   * `reconnect()` act on the shared connection, for all of them (after `close()`, a component
   * that mounts gets it closed too, until `reconnect()`). Components without `share` never join a
   * shared socket, nor it theirs. `share: true` with a url function throws a `TypeError`: a
   * function is no key (an inline one is a new function at every render); name the connection.
   * @default false
   */
  share?: boolean | string;
  /**
   * Which messages become `lastMessage`: a message this returns `false` for does not re-render
   * the component (`onMessage` still gets it).
   * @default every message
   */
  filter?: (message: MessageEvent) => boolean;
  /** Called on every `open` of the socket (the first connection and each reconnect). */
  onOpen?: (event: Event) => void;
  /**
   * Called on every incoming message (pongs excluded), filtered or not. Unlike `lastMessage`, it
   * sees each message even when several arrive before React renders.
   */
  onMessage?: (message: MessageEvent) => void;
  /** Called on every `close`: once per underlying socket, failed attempts included. */
  onClose?: (event: HeartSocketCloseEvent) => void;
  /**
   * Called on every `error` of the socket; also when `send` cannot take a message (after
   * `close()`, or with the queue full): the event's `error` is the `HeartSocketError`. Without
   * `onError`, such a refused send is a `console.warn`.
   */
  onError?: (event: HeartSocketErrorEvent) => void;
  /**
   * Called once when the connection ended for good without anyone calling `close()`: retries used
   * up (`reconnect.maxRetries`), `shouldReconnect` said no, reconnecting is off, or the URL is
   * invalid — as react-use-websocket's `onReconnectStop`. The socket is `closed` (`status` too)
   * until `reconnect()`. It gets how the last socket ended.
   */
  onReconnectStop?: (lastClose: CloseInfo | null) => void;
}

/** The options only the hook reads: never passed to `HeartSocket` (which rejects unknown keys). */
const HOOK_KEYS = new Set(['protocols', 'share', 'filter', 'onOpen', 'onMessage', 'onClose', 'onError', 'onReconnectStop']);

/** The `HeartSocket` options among the hook's. */
export function socketOptionsOf(options: UseHeartSocketOptions): HeartSocketOptions {
  const socketOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!HOOK_KEYS.has(key)) socketOptions[key] = value;
  }
  return socketOptions;
}
