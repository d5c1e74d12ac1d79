/**
 * `acceptHeartbeats`: the server half of the heartbeat, wired to a `ws` WebSocketServer — each
 * connection intercepted (./intercept.ts), all of them swept by one timer (./sweep.ts).
 */
import type { WebSocket, WebSocketServer } from 'ws';
import { describeValue } from '../../machine/optionErrors.js';
import { interceptHeartbeats } from './intercept.js';
import { resolveHeartbeatSettings, type AcceptHeartbeatsOptions } from './options.js';
import { startSweep, type Watched } from './sweep.js';
import { ReadyState } from '../webSocketLike.js';

/**
 * The running heartbeat of one server, as {@link acceptHeartbeats} returns it.
 *
 * @example
 * ```ts
 * const heartbeats = acceptHeartbeats(wss);
 * // …
 * heartbeats.stop(); // before wss.close(), or let `using` do it:
 * {
 *   using scoped = acceptHeartbeats(otherServer);
 * }
 * ```
 */
export interface ServerHeartbeat {
  /**
   * Stops: the timer is cleared, pings are no longer answered (the app's listeners get them
   * again), nobody is dropped any more. The connections stay open. Calling it again does nothing.
   */
  stop(): void;
  /** The same as `stop()`, for `using`. */
  [Symbol.dispose](): void;
}


interface Connection extends Watched {
  release: () => void;
}

/**
 * Answers the heartbeat of heartsocket clients on every connection of a `ws` server, and drops
 * the clients that went silent.
 *
 * On every connection — those it accepts from now on, and those already open — a text message
 * equal to `options.ping` (`'ping'`, the client's default `heartbeat.message`) is answered with
 * `options.pong` (`'pong'`, what the client's default `heartbeat.isPong` consumes) and never
 * reaches the app's `'message'` listeners, however and whenever they were added. A client that
 * sends nothing at all — no message, no ping, no pong frame — for `options.maxSilence` ms
 * (10 s) is dropped with `terminate()`, without waiting for TCP to notice: one timer for the
 * whole server, unref'd, probes quiet clients with a protocol ping first and drops the ones
 * that do not answer.
 *
 * @example
 * ```ts
 * import { WebSocketServer } from 'ws';
 * import { acceptHeartbeats } from 'heartsocket/server';
 *
 * const wss = new WebSocketServer({ port: 8080 });
 * const heartbeats = acceptHeartbeats(wss, { maxSilence: 10_000 });
 * wss.on('connection', (ws) => {
 *   ws.on('message', (data) => ws.send(`echo: ${data}`)); // never sees 'ping'
 * });
 * // on shutdown:
 * heartbeats.stop();
 * wss.close();
 * ```
 * @throws {TypeError} `wss` is not a `ws` WebSocketServer; an option of the wrong type, or an
 *   unknown option name.
 * @throws {RangeError} an empty `ping` or `pong`; a `maxSilence` that is not > 0 and ≤ `MAX_DELAY`.
 */
export function acceptHeartbeats(wss: WebSocketServer, options?: AcceptHeartbeatsOptions): ServerHeartbeat {
  if (typeof (wss as Partial<WebSocketServer> | null)?.handleUpgrade !== 'function' || typeof wss.on !== 'function') {
    throw new TypeError(`heartsocket: acceptHeartbeats needs a ws WebSocketServer, got ${describeValue(wss)}.`);
  }
  const settings = resolveHeartbeatSettings(options);
  const now = () => performance.now();
  const connections = new Map<WebSocket, Connection>();

  const watch = (ws: WebSocket): void => {
    if (connections.has(ws) || ws.readyState !== ReadyState.OPEN) return;
    const connection: Connection = { ws, lastFrame: now(), probed: false, release: () => {} };
    connection.release = interceptHeartbeats(ws, settings, {
      heard: () => {
        connection.lastFrame = now();
        connection.probed = false;
      },
      closed: () => {
        connections.delete(ws);
        connection.release();
      },
    });
    connections.set(ws, connection);
  };

  wss.on('connection', watch);
  for (const ws of wss.clients ?? []) watch(ws); // `clients` is undefined with clientTracking: false
  const stopSweep =
    settings.maxSilence === Infinity ? () => {} : startSweep(connections, settings.maxSilence, now);

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    wss.off('connection', watch);
    stopSweep();
    for (const connection of connections.values()) connection.release();
    connections.clear();
  };
  return { stop, [Symbol.dispose]: stop }; // Symbol.dispose: Node 20.5+
}
