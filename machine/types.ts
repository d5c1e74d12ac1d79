import type { CloseInfo, PolicyOptions, SocketSettings } from './settings.js';

/**
 * What `send()` accepts: the data types of `WebSocket.prototype.send`.
 *
 * @example
 * ```ts
 * const messages: SendData[] = ['text', new Uint8Array([1, 2, 3]), new ArrayBuffer(8)];
 * ```
 */
export type SendData = string | ArrayBuffer | ArrayBufferView | Blob;

/**
 * The six states of a connection, by the names the README and the diagrams use.
 *
 * @example
 * ```ts
 * const isConnected = (state: SocketStateName) => state === 'open' || state === 'awaitingPong';
 * ```
 */
export type SocketStateName = 'connecting' | 'open' | 'awaitingPong' | 'closing' | 'closed' | 'reconnectWait';

/**
 * The tags of the machine's states (`snapshot.hasTag(tag)`): each of the six {@link SocketStateName}s
 * tags its state (every snapshot has exactly one of them), and `forGood` marks a connection that is
 * over, or closing, for good: nothing more is sent and nothing reconnects until `reconnect()`.
 *
 * @example
 * ```ts
 * const snapshot = socket.actor.getSnapshot();
 * if (snapshot.hasTag('forGood')) console.log('closed by close(), or by the reconnect policy');
 * ```
 */
export type SocketTag = SocketStateName | 'forGood';

/**
 * What the machine is started with.
 *
 * @example
 * ```ts
 * let lastHeard = performance.now(); // updated by your socket on every message
 * const input: SocketMachineInput = {
 *   heartbeat: { interval: 1000, timeout: 1000 },
 *   silentFor: () => performance.now() - lastHeard,
 *   now: () => performance.now(),
 *   random: Math.random,
 * };
 * createActor(machine, { input }); // machine: socketMachine.provide({ ... })
 * ```
 */
export interface SocketMachineInput extends PolicyOptions {
  /**
   * Milliseconds since anything was last heard from the peer. The socket records the time of each
   * incoming message itself (no event per message: that is the hot path), and the heartbeat asks
   * this when its timer fires, so that traffic counts as proof of life.
   */
  silentFor: () => number;
  /**
   * The current time in milliseconds, on the clock the timers run on: a pong timer that fires
   * long after it was due (a stalled loop, a suspended process, a sleeping host) is recognised
   * by it. The adapter's clock also counts wall-clock jumps, since a sleeping host may stop the
   * monotonic one.
   */
  now: () => number;
  /** A random number in [0, 1) for backoff jitter. The machine reads no globals. */
  random: () => number;
  /** Whether the host says it is offline right now (browsers: `!navigator.onLine`). @default never */
  hostIsOffline?: () => boolean;
  /**
   * Whether the current attempt has built its socket yet (it may still be looking up its URL):
   * `reconnect()` before then has no socket to report closed. @default always
   */
  socketExists?: () => boolean;
  /**
   * The settings, already resolved (`resolveSettings(options)`, by a caller that validated the
   * options itself): used as they are, and the policy options are not read.
   */
  settings?: SocketSettings;
  /**
   * Milliseconds the session handshake may take (`resumable({ timeout })`), each of its two
   * waits; given only when `resume` is on. Without it `SOCKET.OPEN` leads straight to `open`.
   * @default undefined — no session handshake
   */
  handshakeTimeout?: number;
}

/**
 * The machine's context: the validated settings and the retry bookkeeping.
 *
 * @example
 * ```ts
 * const { retries, retryDelay, lastClose } = socket.actor.getSnapshot().context;
 * console.log(`retry #${retries} in ${retryDelay} ms after ${lastClose?.code}`);
 * ```
 */
export interface SocketContext {
  /** The options, validated and with the defaults filled in. */
  readonly settings: SocketSettings;
  /** Failed attempts since the last connection that stayed open `minUptime`. */
  readonly retries: number;
  /** The wait chosen on entering `reconnectWait`. */
  readonly retryDelay: number;
  /** How the last socket ended; `null` before any did. */
  readonly lastClose: CloseInfo | null;
  /** When the last ping was sent, in `now()` ms. */
  readonly pingSentAt: number;
  /** From the input: milliseconds since the peer was last heard. */
  readonly silentFor: () => number;
  /** From the input: the current time. */
  readonly now: () => number;
  /** From the input: whether the host says it is offline. */
  readonly hostIsOffline: () => boolean;
  /** From the input: whether the current attempt has built its socket. */
  readonly socketExists: () => boolean;
  /** From the input: the random source for backoff jitter. */
  readonly random: () => number;
  /** From the input: the session handshake's timeout; `undefined` when `resume` is off. */
  readonly handshakeTimeout: number | undefined;
}

/**
 * Events from the socket actor: what the network did.
 *
 * @example
 * ```ts
 * // In a socket actor of your own (fromCallback):
 * ws.onopen = () => sendBack({ type: 'SOCKET.OPEN' });
 * ws.onclose = (e) => sendBack({ type: 'SOCKET.CLOSE', code: e.code, reason: e.reason, wasClean: e.wasClean });
 * ```
 */
export type SocketEvent =
  | { type: 'SOCKET.OPEN' }
  | { type: 'SOCKET.CLOSE'; code: number; reason: string; wasClean: boolean }
  | { type: 'SOCKET.ERROR'; error: unknown }
  /**
   * The url or protocols function gave something invalid (not a ws:/wss: URL, a bad subprotocol):
   * retrying will not help. `reason` says which: `'invalid url'`, `'invalid protocols'`.
   */
  | { type: 'SOCKET.INVALID'; error: unknown; reason: string }
  /** Something arrived while a pong was awaited. */
  | { type: 'PEER.HEARD' }
  | SessionEvent;

/**
 * Events of the session handshake (`resume` on): the server's `hello`, its answer, or a first
 * frame that shows a plain server.
 *
 * @example
 * ```ts
 * sendBack({ type: 'SESSION.HELLO' });
 * sendBack({ type: 'SESSION.READY', resumed: false, reason: 'unknown', sessionId: 'Xk3…q' });
 * ```
 */
export type SessionEvent =
  | { type: 'SESSION.HELLO' }
  /**
   * The handshake is over: `resumed`, or a new session (`reason` says why the resume failed, if
   * one was tried), or `reason: 'unsupported'` and no `sessionId` (a first frame that was not
   * `hello`: a plain server, whose frame is held for the app).
   */
  | ({ type: 'SESSION.READY' } & ResumeResult);

/**
 * Events from the user.
 *
 * @example
 * ```ts
 * actor.send({ type: 'SEND', data: 'hello' }); // queued while not open
 * actor.send({ type: 'RECONNECT' });
 * actor.send({ type: 'CLOSE', code: 1000, reason: 'bye' });
 * ```
 */
export type UserEvent =
  | { type: 'CLOSE'; code?: number; reason?: string }
  /** With a code, the old socket does a closing handshake with it (in the background). */
  | { type: 'RECONNECT'; code?: number; reason?: string }
  | { type: 'SEND'; data: SendData };

/**
 * Events from the host's network status (browsers' `online` / `offline`).
 *
 * @example
 * ```ts
 * // A network actor of your own, e.g. for React Native's NetInfo:
 * const network = fromCallback<NetworkEvent>(({ sendBack }) =>
 *   NetInfo.addEventListener((s) => sendBack({ type: s.isConnected ? 'NETWORK.ONLINE' : 'NETWORK.OFFLINE' })),
 * );
 * socketMachine.provide({ actors: { network } });
 * ```
 */
export type NetworkEvent = { type: 'NETWORK.OFFLINE' } | { type: 'NETWORK.ONLINE' };

/**
 * Every event the machine accepts.
 *
 * @example
 * ```ts
 * const event: SocketMachineEvent = { type: 'NETWORK.OFFLINE' };
 * actor.send(event);
 * ```
 */
export type SocketMachineEvent = SocketEvent | UserEvent | NetworkEvent | CallbackEvent;

/**
 * A function given in the options threw; the adapter caught it, and the machine reports it as an
 * `error` and goes on. `option` names it (`reconnect.shouldReconnect`, `inspect`, …).
 *
 * @example
 * ```ts
 * actor.send({ type: 'CALLBACK.THREW', option: 'heartbeat.isPong', error: new Error('bad json') });
 * ```
 */
export type CallbackEvent = { type: 'CALLBACK.THREW'; option: string; error: unknown };

/**
 * Commands the machine gives its socket actor.
 *
 * @example
 * ```ts
 * // In a socket actor of your own (fromCallback):
 * receive((command) => (command.type === 'PING' ? ws.send('ping') : ws.close(command.code, command.reason)));
 * ```
 */
export type SocketCommand =
  | { type: 'PING' }
  | { type: 'CLOSE'; code: number; reason: string };

/**
 * What the machine tells its observers (`actor.on(type, listener)`).
 *
 * @example
 * ```ts
 * actor.on('open', () => console.log('open'));
 * actor.on('close', ({ code, reason }) => console.log('closed', code, reason));
 * actor.on('error', ({ error }) => console.warn(error));
 * ```
 */
export type SocketEmitted =
  /** `resumed`: the session of the previous socket goes on (always `false` without `resume`). */
  | { type: 'open'; resumed: boolean }
  /** `resume` on: how the session handshake ended (see {@link ResumeResult}). */
  | ({ type: 'resume' } & ResumeResult)
  | ({ type: 'close' } & CloseInfo)
  | { type: 'error'; error: unknown };

/**
 * How a session handshake ended: `resumed`, or why not (`reason`: `'unknown'`, `'overflow'`,
 * `'ended'`, `'mismatch'` from the server; `'unsupported'` when the server keeps no sessions;
 * `null` for a first session), and the session now in use (`null` when unsupported).
 *
 * @example
 * ```ts
 * socket.addEventListener('resume', (event) => {
 *   if (!event.resumed && event.reason !== null) resyncFromServer();
 * });
 * ```
 */
export interface ResumeResult {
  /** Whether the session of the previous socket goes on. */
  readonly resumed: boolean;
  /** Why not: the server's reason of a failed resume, `'unsupported'`, or `null` (a first session, or resumed). */
  readonly reason: string | null;
  /** The session now in use; `null` when the server keeps none. */
  readonly sessionId: string | null;
}
