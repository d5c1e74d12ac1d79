/**
 * Watching every socket a `ws` server accepts: `ws` makes each one in `handleUpgrade` (itself
 * calling it for its own `'upgrade'` listener; a `noServer` app calls it), and hands it to the
 * callback given there — to `'connection'`'s emitter, or to an app that uses the socket directly
 * and never emits `'connection'`. An own `handleUpgrade` on the server sees them all, and watches
 * each before any callback or `'connection'` listener runs.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';


/**
 * Wraps `wss.handleUpgrade` so that `watch(ws, socket, request)` runs first for every socket it accepts.
 * Returns the function that puts back what was there (unless someone wrapped it after us: then
 * ours stays, and `watch` is the caller's to make inert).
 */
export function watchUpgrades(wss: WebSocketServer, watch: (ws: WebSocket, socket: Duplex, request: IncomingMessage) => void): () => void {
  const hadOwn = Object.prototype.hasOwnProperty.call(wss, 'handleUpgrade');
  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied with its `this` below
  const original = wss.handleUpgrade;
  function handleUpgrade(
    this: WebSocketServer,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    callback: (ws: WebSocket, request: IncomingMessage) => void,
  ): void {
    original.call(this, request, socket, head, (ws: WebSocket, upgraded: IncomingMessage) => {
      watch(ws, socket, upgraded);
      callback(ws, upgraded);
    });
  }
  wss.handleUpgrade = handleUpgrade;
  return () => {
    if (wss.handleUpgrade !== handleUpgrade) return;
    if (hadOwn) wss.handleUpgrade = original;
    else delete (wss as Partial<Pick<WebSocketServer, 'handleUpgrade'>>).handleUpgrade;
  };
}
