/**
 * heartsocket/live-view — streams sockets to the offline live view (`npm run viz:serve`) for a
 * person debugging a connection: `createLiveViewInspector(relayUrl).watch(socket)`. An entry of its
 * own, so that an app that never debugs this way ships none of it.
 *
 * @example
 * ```ts
 * import { HeartSocket } from 'heartsocket';
 * import { createLiveViewInspector } from 'heartsocket/live-view';
 * import WebSocket from 'ws';
 *
 * const live = createLiveViewInspector('ws://127.0.0.1:8090', { WebSocket });
 * live.watch(new HeartSocket('wss://example.com/feed', [], { WebSocket }));
 * ```
 *
 * @module heartsocket/live-view
 */
export {
  createLiveViewInspector,
  type LiveViewEvent,
  type LiveViewInspector,
  type LiveViewInspectorOptions,
  type LiveViewSession,
  type LiveViewTraffic,
  type WatchOptions,
} from './liveView.js';
