// The offline live view's link: a visualization (its page imports it), built on the public HeartSocket.
import type { InspectionEvent } from 'xstate';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import type { SocketOptions } from '../../adapters/options.js';
import { toLiveViewEvent, type LiveViewEvent } from './liveViewEvents.js';
import { watchSocket, type WatchOptions } from './watch.js';

export { toLiveViewEvent, type LiveViewEvent, type LiveViewSession, type LiveViewSnapshot, type LiveViewTraffic } from './liveViewEvents.js';
export type { WatchOptions } from './watch.js';

/** The event with its actor ids prefixed by `origin/`. */
function withOrigin(event: LiveViewEvent, origin: string): LiveViewEvent {
  const own = (id: string | undefined): string | undefined => (id === undefined ? undefined : `${origin}/${id}`);
  const copy = { ...event, sessionId: own(event.sessionId)!, rootId: own(event.rootId)! };
  if ('parentId' in copy) copy.parentId = own(copy.parentId);
  if ('sourceId' in copy) copy.sourceId = own(copy.sourceId);
  return copy;
}

/**
 * Options of {@link createLiveViewInspector}.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const options: LiveViewInspectorOptions = { WebSocket, buffer: 5000 };
 * ```
 */
export interface LiveViewInspectorOptions {
  /** The WebSocket constructor: `ws`'s on Node 20. @default globalThis.WebSocket */
  WebSocket?: SocketOptions['WebSocket'];
  /** Events kept while the relay is not connected; beyond that new ones are dropped. @default 1000 */
  buffer?: number;
}

/**
 * What {@link createLiveViewInspector} returns.
 *
 * @example
 * ```ts
 * const live: LiveViewInspector = createLiveViewInspector('ws://127.0.0.1:8090', { WebSocket });
 * const socket = new HeartSocket(url, [], { WebSocket });
 * live.watch(socket, { label: 'feed' });
 * // … when done:
 * if (live.dropped > 0) console.warn(`${live.dropped} inspection events were dropped`);
 * live.stop();
 * ```
 */
export interface LiveViewInspector {
  /**
   * Shows `socket` in the view, with its traffic (messages and bytes in and out, silence), from
   * now until the returned function is called or `stop()`. The way to watch a `HeartSocket`:
   * nothing is counted for sockets that are not watched. Each socket shows as its own session.
   */
  watch(socket: HeartSocket, options?: WatchOptions): () => void;
  /**
   * Pass as `options.inspect` of a `HeartSocket` or `createSocketActor`: every state from the
   * start, but no traffic. For an actor from `createSocketActor`, the only way; for a
   * `HeartSocket`, prefer `watch()`.
   */
  readonly inspect: (event: InspectionEvent) => void;
  /** Events not sent: the buffer was full, or the inspector stopped before they reached the relay. */
  readonly dropped: number;
  /** Ends every watch and closes the connection to the relay (it reconnects until then). */
  stop(): void;
}

/**
 * Streams sockets to the live view relay (`npm run viz:serve`), where the offline live view page
 * (`visualizations/page/live-view.html`) draws them: `watch(socket)` for a HeartSocket (states and
 * traffic), or `inspect` as an XState inspection observer. The link is itself a HeartSocket (no heartbeat): events are queued
 * until the relay is reached, and it reconnects if the relay restarts. Call `stop()` when done.
 *
 * Only for debugging: events carry what was sent (strings cut to 200 characters).
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const live = createLiveViewInspector('ws://127.0.0.1:8090', { WebSocket });
 * const socket = new HeartSocket('wss://example.com/feed', [], { WebSocket });
 * live.watch(socket);
 * ```
 */
export function createLiveViewInspector(url: string | URL, options: LiveViewInspectorOptions = {}): LiveViewInspector {
  const link = new HeartSocket(url, [], {
    ...(options.WebSocket !== undefined && { WebSocket: options.WebSocket }),
    heartbeat: false,
    reconnect: { delay: 500, factor: 2, maxDelay: 5000 },
    queue: { max: options.buffer ?? 1000 },
  });
  let dropped = 0;
  // Events still queued when the link ends for good (stop() before the relay was reached).
  link.addEventListener('undelivered', (event) => (dropped += event.messages.length));
  // XState numbers actors per process (x:0, x:1, …): every process would show its first socket
  // as x:0. The ids are made this inspector's own, so that two processes, or one restarted, are
  // told apart by the page.
  const origin = Math.random().toString(36).slice(2, 10);
  const relay = (event: LiveViewEvent): void => {
    try {
      link.send(JSON.stringify(withOrigin(event, origin)));
    } catch {
      dropped += 1; // queue full, or stopped: never let the inspector break the inspected actor
    }
  };
  const watches = new Set<() => void>();
  return {
    watch(socket, watchOptions) {
      const unwatch = watchSocket(socket, relay, watchOptions);
      const stop = (): void => {
        watches.delete(stop);
        unwatch();
      };
      watches.add(stop);
      return stop;
    },
    inspect(inspection) {
      const event = toLiveViewEvent(inspection);
      if (event !== undefined) relay(event);
    },
    get dropped() {
      return dropped;
    },
    stop() {
      for (const unwatch of watches) unwatch();
      link.close();
    },
  };
}
