/**
 * One connection's half of the heartbeat: answers the client's pings, hides them from the app,
 * and notes every frame the client sends.
 *
 * How the ping is hidden: `ws` hands every incoming message to the app with one call,
 * `ws.emit('message', data, isBinary)`, and every way to listen — `on`, `once`,
 * `prependListener`, `addEventListener`, `onmessage` — is an EventEmitter listener reached only
 * through that call. So an own `emit` on the connection sees a message before any listener does,
 * whenever and however the app registered, and is the one place where a ping can be withheld.
 * The alternatives fall short: a prepended `'message'` listener cannot stop the listeners after
 * it; wrapping `on`/`addEventListener` misses listeners added before, or through another path;
 * a `WebSocket` subclass (the server's `WebSocket` option) only works for servers built with it.
 * The same `emit` also sees `'ping'`, `'pong'` and `'close'`: no listener is added at all.
 */
import type { RawData, WebSocket } from 'ws';
import type { HeartbeatSettings } from './options.js';
import { ReadyState } from '../webSocketLike.js';

/** What the connection tells its owner. */
export interface ConnectionHooks {
  /** The client sent something: a message (heartbeat or not), a ping or a pong frame. */
  heard(): void;
  /** The connection ended (`ws` emitted `'close'`). */
  closed(): void;
}


/**
 * Whether a text message is the ping: `ws` delivers text as a Buffer whatever the binaryType (a
 * string only comes from an app that emits one itself).
 */
function isPing(data: RawData | string, ping: string, bytes: Buffer): boolean {
  if (typeof data === 'string') return data === ping;
  return Buffer.isBuffer(data) && data.equals(bytes);
}

/**
 * Takes over `ws.emit` as explained above. Returns the function that gives it back (and stops
 * answering): called when the connection closes, or when the heartbeat is stopped.
 */
export function interceptHeartbeats(ws: WebSocket, settings: HeartbeatSettings, hooks: ConnectionHooks): () => void {
  const { ping } = settings;
  const pingBytes = Buffer.from(ping, 'utf8');
  const hadOwnEmit = Object.prototype.hasOwnProperty.call(ws, 'emit');
  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied with its `this` below
  const original = ws.emit;
  let active = true;

  // The parameters are those of ('message', data, isBinary); `arguments` passes on whatever came.
  function emit(this: WebSocket, event: string | symbol, data?: unknown, isBinary?: unknown): boolean {
    if (active) {
      if (event === 'message' || event === 'ping' || event === 'pong') hooks.heard();
      if (event === 'message' && isBinary === false && isPing(data as RawData, ping, pingBytes)) {
        const reply = settings.pong(ws);
        if (reply !== undefined && ws.readyState === ReadyState.OPEN) ws.send(reply);
        settings.onPing?.(ws);
        return true; // handled: no listener sees it
      }
      if (event === 'close') hooks.closed();
    }
    // eslint-disable-next-line prefer-rest-params -- see the comment above `emit`
    return Reflect.apply(original, this, arguments) as boolean;
  }

  ws.emit = emit as WebSocket['emit'];
  return () => {
    active = false;
    // Put back what was there, unless someone wrapped `emit` after us: then ours stays, inert.
    if (ws.emit !== (emit as WebSocket['emit'])) return;
    if (hadOwnEmit) ws.emit = original;
    else delete (ws as Partial<Pick<WebSocket, 'emit'>>).emit;
  };
}
