/**
 * `acceptHeartbeats`: the server half of the heartbeat, wired to a `ws` WebSocketServer — every
 * socket it accepts watched (./upgrade.ts) and intercepted (./intercept.ts), all of them swept
 * by one timer (./sweep.ts), what an operator reads counted here.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { describeValue } from '../../machine/optionErrors.js';
import { HEARTBEAT_PING } from '../../machine/settings.js';
import { Connection, NONE, now } from './connection.js';
import { createInterceptor, isPing } from './intercept.js';
import { DEFAULT_MAX_SILENCE, resolveHeartbeatSettings, type AcceptHeartbeatsOptions } from './options.js';
import { report } from './report.js';
import { asksForSession } from './sessions/frames.js';
import type { Session } from './sessions/session.js';
import { createSessionSockets, type SessionSockets } from './sessions/sessionSockets.js';
import { startSweep, type SweepActions } from './sweep.js';
import { watchUpgrades } from './upgrade.js';
import { ReadyState } from '../webSocketLike.js';

/**
 * The counts of a running heartbeat, for a metrics endpoint: `watched` is a gauge, `probed` and
 * `dropped` are counters (totals since `acceptHeartbeats`).
 *
 * @example
 * ```ts
 * const { watched, probed, dropped } = heartbeats.stats();
 * ```
 */
export interface HeartbeatStats {
  /** Connections watched now. */
  watched: number;
  /** Protocol pings sent to quiet clients, in total. */
  probed: number;
  /** Clients dropped for their silence, in total. */
  dropped: number;
  /** With `sessions` only: sessions live now (attached or waiting for a resume). */
  sessions?: number;
  /** With `sessions` only: sessions resumed, in total. */
  resumed?: number;
  /** With `sessions` only: sessions expired (`ttl` without a resume), in total. */
  expired?: number;
  /** With `sessions` only: watched sockets that did not ask for a session, now. */
  plainClients?: number;
}

/**
 * What the heartbeat knows of one connection.
 *
 * @example
 * ```ts
 * const info = heartbeats.connection(ws);
 * if (info?.roundTrip !== undefined) histogram.observe(info.roundTrip);
 * ```
 */
export interface ConnectionStats {
  /** When the client's last complete frame arrived, in ms since the epoch (as `Date.now()`); undefined before the first. */
  lastFrameAt: number | undefined;
  /** Milliseconds from the latest answered probe being written to its pong; undefined before the first. */
  roundTrip: number | undefined;
}

/**
 * The running heartbeat of one server, as {@link acceptHeartbeats} returns it.
 *
 * @example
 * ```ts
 * const heartbeats = acceptHeartbeats(wss);
 * // …
 * heartbeats.stop(); // or wss.close(): the heartbeat stops with the server
 * {
 *   using scoped = acceptHeartbeats(otherServer);
 * }
 * ```
 */
export interface ServerHeartbeat {
  /**
   * Stops: the timer is cleared, pings are no longer answered (the app's listeners get them
   * again), nobody is dropped any more, `acceptHeartbeats` may be called on the server again.
   * The connections stay open. Called by itself when the server emits `'close'`. Calling it
   * again does nothing.
   */
  stop(): void;
  /** The same as `stop()`, for `using`. */
  [Symbol.dispose](): void;
  /**
   * Watches a socket this server did not accept through its `handleUpgrade` (one of another
   * server, say); give the upgrade's `request` so that its bytes count as life. A socket already
   * watched, or not open, is left as it is.
   */
  watch(ws: WebSocket, request?: IncomingMessage): void;
  /** The counts, for a metrics endpoint. */
  stats(): HeartbeatStats;
  /** What is known of one connection; undefined for a socket not watched. */
  connection(ws: WebSocket): ConnectionStats | undefined;
  /** The session a socket is on (with `sessions`); undefined for a plain socket, or before the handshake. */
  session(ws: WebSocket): Session | undefined;
}

/** The servers with a running heartbeat: a second one would probe every client twice. */
const running = new WeakSet<WebSocketServer>();

/**
 * Without the silence sweep (`maxSilence: false`), the sessions' acks and expiry still need one
 * timer: one for the server, unref'd, every quarter of `ttl` (at most every 2.5 s).
 */
function startSessionTimer(sweep: ((at: number) => void) | undefined, ttl: number | undefined): () => void {
  if (sweep === undefined || ttl === undefined) return () => {};
  const timer = setInterval(() => sweep(now()), Math.min(ttl, DEFAULT_MAX_SILENCE) / 4);
  timer.unref();
  return () => clearInterval(timer);
}

const defined = (value: number): number | undefined => (value === NONE ? undefined : value);

/**
 * Answers the heartbeat of heartsocket clients on every connection of a `ws` server, and drops
 * the clients that went silent.
 *
 * Which sockets are covered: every socket the server accepts from now on — `ws` makes each one
 * in `handleUpgrade`, in every mode, `noServer` included, whether or not `'connection'` is
 * emitted for it, and it is watched there, before any `'connection'` listener or
 * `handleUpgrade` callback runs — and the sockets already in `wss.clients` (for those, complete
 * frames count as life, not bytes: their TCP socket is not public). Sockets of other servers:
 * `heartbeats.watch(ws, request)`.
 *
 * On every watched socket, a text message equal to `options.ping` (`'ping'`, the client's
 * default `heartbeat.message`) is answered with `options.pong` (`'pong'`, what the client's
 * default `heartbeat.isPong` consumes) and never reaches the app's `'message'` listeners,
 * however and whenever they were added. A client that sends nothing at all — no message, no
 * ping or pong frame, not a byte — for `options.maxSilence` ms (10 s) is dropped with
 * `terminate()`, without waiting for TCP to notice: one timer for the whole server, unref'd,
 * probes quiet clients with a protocol ping first and drops the ones that do not answer.
 * The server's own stalls do not count as a client's silence.
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
 * // on shutdown (wss.close() alone stops it too):
 * heartbeats.stop();
 * wss.close();
 * ```
 * @throws {TypeError} `wss` is not a `ws` WebSocketServer; an option of the wrong type, or an
 *   unknown option name.
 * @throws {RangeError} an empty `ping` or `pong`; a `maxSilence` that is not > 0 and ≤ `MAX_DELAY`.
 * @throws {Error} a heartbeat already runs on this server (stop it first, or keep using its handle).
 */
export function acceptHeartbeats(wss: WebSocketServer, options?: AcceptHeartbeatsOptions): ServerHeartbeat {
  if (typeof (wss as Partial<WebSocketServer> | null)?.handleUpgrade !== 'function' || typeof wss.on !== 'function') {
    throw new TypeError(`heartsocket: acceptHeartbeats needs a ws WebSocketServer, got ${describeValue(wss)}.`);
  }
  const settings = resolveHeartbeatSettings(options);
  if (running.has(wss)) {
    throw new Error(
      'heartsocket: acceptHeartbeats already runs on this server; a second one would probe every client twice. ' +
        'Keep using the handle the first call returned, or stop() it first.',
    );
  }
  running.add(wss);

  const connections = new Map<WebSocket, Connection>();
  const pingBytes = Buffer.from(settings.ping, 'utf8');
  const sessions: SessionSockets | undefined =
    settings.sessions === undefined
      ? undefined
      : createSessionSockets(settings.sessions, {
          now,
          isPing: (data) => isPing(data, settings.ping, pingBytes),
          defaultPing: settings.ping === HEARTBEAT_PING,
          onPing: settings.onPing,
          onError: settings.onError,
        });
  let probed = 0;
  let dropped = 0;
  let stopped = false;

  const interceptor = createInterceptor(
    {
      settings,
      connections,
      sessions,
      closed: (connection) => {
        connections.delete(connection.ws);
        sessions?.closed(connection.ws, now());
        interceptor.release(connection);
      },
    },
    (ws, socket) => new Connection(ws, socket, now()),
  );

  const watch = (ws: WebSocket, socket: Duplex | undefined, request: IncomingMessage | undefined): void => {
    if (stopped || connections.has(ws) || ws.readyState !== ReadyState.OPEN) return;
    connections.set(ws, interceptor.install(ws, socket));
    // Here, before the app's 'connection' listeners: `hello` is the socket's first frame.
    if (sessions !== undefined && request !== undefined && asksForSession(request.url)) sessions.accept(ws, request);
  };

  const actions: SweepActions = {
    probe(connection, at) {
      probed++;
      connection.probeSentAt = at;
      connection.probeWrittenAt = NONE;
      connection.ws.ping(undefined, undefined, (error?: Error) => {
        // Written (not only queued): from now on the client can answer.
        if (error == null && connection.probeWrittenAt === NONE && connection.probeSentAt !== NONE) {
          connection.probeWrittenAt = now();
        }
      });
    },
    drop(connection, at, silentFor) {
      dropped++;
      const { ws } = connection;
      const why = { silentFor, probeUnansweredFor: at - connection.probeSentAt, probeWritten: connection.probeWrittenAt !== NONE };
      ws.terminate();
      if (settings.onDrop === undefined) return;
      try {
        settings.onDrop(ws, why);
      } catch (error) {
        report(settings.onError, error, ws);
      }
    },
  };

  const stopWatchingUpgrades = watchUpgrades(wss, watch);
  for (const ws of wss.clients ?? []) watch(ws, undefined, undefined); // `clients` is undefined with clientTracking: false
  const sweepSessions = sessions === undefined ? undefined : (at: number) => sessions.sweep(at);
  const stopSweep =
    settings.maxSilence === Infinity
      ? startSessionTimer(sweepSessions, settings.sessions?.ttl)
      : startSweep(() => connections.values(), settings.maxSilence, actions, sweepSessions);

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    running.delete(wss);
    wss.off('close', stop);
    stopWatchingUpgrades();
    stopSweep();
    sessions?.stop(now());
    for (const connection of connections.values()) interceptor.release(connection);
    connections.clear();
  };
  wss.on('close', stop); // a server closed without stop(): nothing of the heartbeat stays behind

  return {
    stop,
    [Symbol.dispose]: stop, // Symbol.dispose: Node 20.5+
    watch: (ws, request) => watch(ws, request?.socket, request),
    stats() {
      if (sessions === undefined) return { watched: connections.size, probed, dropped };
      const { live, resumed, expired } = sessions.counts();
      return { watched: connections.size, probed, dropped, sessions: live, resumed, expired, plainClients: connections.size - sessions.sockets };
    },
    session: (ws) => sessions?.sessionOf(ws),
    connection(ws) {
      const connection = connections.get(ws);
      if (connection === undefined) return undefined;
      const lastFrame = defined(connection.lastFrame);
      return {
        lastFrameAt: lastFrame === undefined ? undefined : performance.timeOrigin + lastFrame,
        roundTrip: defined(connection.roundTrip),
      };
    },
  };
}
