/**
 * The connections' half of the heartbeat: answers the client's pings, hides them from the app,
 * and notes every frame the client sends (bytes are counted by the sweep: ./connection.ts).
 *
 * How the ping is hidden: `ws` hands every incoming message to the app with one call,
 * `ws.emit('message', data, isBinary)`, and every way to listen — `on`, `once`,
 * `prependListener`, `addEventListener`, `onmessage` — is an EventEmitter listener reached only
 * through that call. So an own `emit` on the connection sees a message before any listener does,
 * whenever and however the app registered, and is the one place where a ping can be withheld.
 * The alternatives fall short: a prepended `'message'` listener cannot stop the listeners after
 * it; wrapping `on`/`addEventListener` misses listeners added before, or through another path;
 * a `WebSocket` subclass (the server's `WebSocket` option) only works for servers built with it.
 * The same `emit` also sees `'ping'`, `'pong'` and `'close'`: no listener is added to `ws`.
 *
 * One `emit` per server, shared by its connections (it finds a connection's state by `this`):
 * no closure per connection.
 */
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { NONE, now, type Connection } from './connection.js';
import type { HeartbeatSettings } from './options.js';
import type { SessionSockets } from './sessions/sessionSockets.js';
import { report } from './report.js';
import { ReadyState } from '../webSocketLike.js';

/** What the shared `emit` needs of its server. */
export interface Intercepting {
  readonly settings: HeartbeatSettings;
  /** The connections watched, by their socket. */
  readonly connections: ReadonlyMap<WebSocket, Connection>;
  /** The session half, when sessions are on: it sees a message first. */
  readonly sessions: SessionSockets | undefined;
  /** The connection ended (`ws` emitted `'close'`). */
  closed(connection: Connection): void;
}

type Emit = WebSocket['emit'];

/**
 * Whether a text message is the ping: `ws` delivers text as a Buffer whatever the binaryType (a
 * string only comes from an app that emits one itself).
 */
export function isPing(data: RawData | string, ping: string, bytes: Buffer): boolean {
  if (typeof data === 'string') return data === ping;
  return Buffer.isBuffer(data) && data.equals(bytes);
}

/**
 * Answers a ping with `pong` (a throw is reported, the ping left unanswered), then calls `onPing`.
 * On a session socket the answer is written beside the session, uncounted (the client consumes it).
 */
function answerPing(ws: WebSocket, settings: HeartbeatSettings, sessions: SessionSockets | undefined): void {
  let reply: string | undefined;
  try {
    reply = settings.pong(ws);
  } catch (error) {
    report(settings.onError, error, ws);
  }
  if (reply !== undefined && ws.readyState === ReadyState.OPEN && sessions?.writeRaw(ws, reply) !== true) ws.send(reply);
  if (settings.onPing === undefined) return;
  try {
    settings.onPing(ws);
  } catch (error) {
    report(settings.onError, error, ws);
  }
}

/** A probe came back: its round trip is measured from when it was written (or sent, if not known). */
function answeredProbe(connection: Connection, at: number): void {
  if (connection.probeSentAt === NONE) return; // an app's own ping
  const from = connection.probeWrittenAt === NONE ? connection.probeSentAt : connection.probeWrittenAt;
  connection.roundTrip = at - from;
  connection.probeSentAt = NONE;
  connection.probeWrittenAt = NONE;
}

/** The interception of one server: install on a connection, release it. */
export interface Interceptor {
  install(ws: WebSocket, socket: Duplex | undefined): Connection;
  release(connection: Connection): void;
}

/** Builds the server's shared `emit`. `create` makes a connection's state. */
export function createInterceptor(
  server: Intercepting,
  create: (ws: WebSocket, socket: Duplex | undefined) => Connection,
): Interceptor {
  const { settings, connections } = server;
  const pingBytes = Buffer.from(settings.ping, 'utf8');
  // An own `emit` a socket had before ours (someone else's wrapper: rare, so not a field of every
  // connection), kept after release too if a wrapper sits on top of ours: ours stays, inert.
  const previousEmits = new WeakMap<WebSocket, Emit>();

  // The parameters are those of ('message', data, isBinary); `arguments` passes on whatever came.
  function emit(this: WebSocket, event: string | symbol, data?: unknown, isBinary?: unknown): boolean {
    // Read before 'close' releases the socket (and forgets what was there before us).
    // eslint-disable-next-line @typescript-eslint/unbound-method -- applied with its `this` below
    const previous = previousEmits.get(this) ?? (Object.getPrototypeOf(this) as WebSocket).emit;
    const connection = connections.get(this);
    if (connection !== undefined) {
      if (event === 'message' || event === 'ping' || event === 'pong') {
        const at = now();
        connection.lastFrame = at;
        connection.lastHeard = at;
        if (event === 'pong') answeredProbe(connection, at);
        // Sessions first: a session socket's frames are its session's (a heartbeat ping is let through).
        else if (event === 'message' && server.sessions?.message(this, data as RawData, isBinary === true) === true) return true;
        else if (event === 'message' && isBinary === false && isPing(data as RawData, settings.ping, pingBytes)) {
          answerPing(this, settings, server.sessions);
          return true; // handled: no listener sees it
        }
      } else if (event === 'close') server.closed(connection);
    }
    // eslint-disable-next-line prefer-rest-params -- see the comment above `emit`
    return Reflect.apply(previous, this, arguments) as boolean;
  }

  return {
    install(ws, socket) {
      if (Object.prototype.hasOwnProperty.call(ws, 'emit')) previousEmits.set(ws, ws.emit); // eslint-disable-line @typescript-eslint/unbound-method -- applied with its `this`
      ws.emit = emit as Emit;
      return create(ws, socket);
    },
    release(connection) {
      const { ws } = connection;
      // Put back what was there, unless someone wrapped `emit` after us: then ours stays, inert.
      if (ws.emit !== (emit as Emit)) return;
      const previous = previousEmits.get(ws);
      if (previous === undefined) delete (ws as Partial<Pick<WebSocket, 'emit'>>).emit;
      else {
        ws.emit = previous;
        previousEmits.delete(ws);
      }
    },
  };
}
