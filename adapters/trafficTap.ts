// The one way a debugging view (visualizations/inspector/watch.ts) hears a socket's traffic. Sockets nobody
// watches have no tap: their message path pays one null check.
import type { SendData } from '../machine/types.js';

/** What a watching view is told of each message, in and out. */
export interface TrafficTap {
  /**
   * A message arrived for the app, or (`isPong`) a reply to the heartbeat that is not delivered:
   * a pong message, or a protocol ping or pong frame (`data` undefined).
   */
  received(data: unknown, isPong: boolean): void;
  /** The app sent `data`: written now, or `queued` until a socket opens. */
  sent(data: SendData, queued: boolean): void;
}

/**
 * The key of `HeartSocket`'s method that sets (or, with `null`, removes) its tap. A symbol, not a
 * named method: it is for the live view, not part of the WebSocket-shaped API.
 */
export const SET_TRAFFIC_TAP: unique symbol = Symbol('heartsocket.setTrafficTap');
