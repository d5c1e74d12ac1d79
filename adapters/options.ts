/**
 * The options of `HeartSocket` and `createSocketActor`: their types, and `resolveOptions`, which
 * validates them all in one pass (bad input throws at the call that gave it, never later in a
 * retry loop) and hands the rest of the adapter what it needs, resolved.
 */
import type { InspectionEvent, Observer } from 'xstate';
import { describeValue, optionRangeError, optionTypeError } from '../machine/optionErrors.js';
import { DEFAULT_SETTINGS, POLICY_OPTION_KEYS, rejectUnknownKeys, resolveSettings, type PolicyOptions, type SocketSettings } from '../machine/settings.js';
import type { SendData } from '../machine/types.js';
import type { SocketClock } from './clock.js';
import type { HeartSocketError } from './errors.js';
import type { ResumeOption } from './session.js';
import { checkProtocolsSource, type CheckedProtocols, type ProtocolsSource } from './protocols.js';
import { checkUrlSource, type CheckedUrl, type UrlSource } from './url.js';
import type { WebSocketConstructor } from './webSocketLike.js';

/**
 * Options shared by `HeartSocket` and `createSocketActor`, beyond the timing policy.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * import { createBrowserInspector } from '@statelyai/inspect';
 * const options: SocketOptions = {
 *   WebSocket, // Node 20 only
 *   queue: { max: 100 },
 *   inspect: createBrowserInspector().inspect,
 *   heartbeat: { interval: 5000 },
 * };
 * ```
 */
export interface SocketOptions extends PolicyOptions {
  /**
   * The WebSocket constructor: `ws`'s `WebSocket` on Node 20, or any WHATWG-compatible one.
   * @default globalThis.WebSocket (browsers, Node 22+)
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any constructor: checked when called; `unknown[]` would refuse most
  WebSocket?: WebSocketConstructor | (new (...args: any[]) => any);
  /** The queue for messages sent while not open. */
  queue?: {
    /** Most messages kept; one more makes `send()` throw `QUEUE_FULL`. @default 1000 */
    max?: number;
  };
  /**
   * XState's inspection observer, e.g. `createBrowserInspector().inspect` from
   * `@statelyai/inspect`: the live machine shows in the Stately inspector. One that throws is
   * reported as an `error` event and never affects the connection.
   */
  inspect?: InspectorOption;
  /**
   * The clock for every delay and for measuring silence. For tests: XState's `SimulatedClock`
   * (or anything with `now`, `setTimeout` and `clearTimeout`) makes the timing deterministic
   * while the sockets stay real.
   * @default real time (`performance.now()`, moved on by wall-clock jumps of a host that slept)
   */
  clock?: SocketClock;
  /**
   * Resumable sessions: `resumable({...})` from `heartsocket/resume` (docs/resume.md). Off by
   * default: the frames on the wire are then exactly those without it.
   * @default undefined
   */
  resume?: ResumeOption;
}

/**
 * What `options.inspect` takes: XState's inspection observer, or a function of each event.
 *
 * @example
 * ```ts
 * import { createBrowserInspector } from '@statelyai/inspect';
 * const inspect: InspectorOption = createBrowserInspector().inspect;
 * new HeartSocket(url, [], { inspect });
 * ```
 */
export type InspectorOption = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * Options of `createSocketActor`.
 *
 * @example
 * ```ts
 * const actor = createSocketActor('wss://example.com/feed', {
 *   protocols: ['v2.feed'],
 *   onMessage: (event) => render(JSON.parse(String(event.data))),
 *   onUndelivered: (messages) => pending.push(...messages),
 *   reconnect: { delay: 1000, factor: 2 },
 * });
 * ```
 */
export interface SocketActorOptions extends SocketOptions {
  /** Subprotocols, as the WebSocket constructor's second argument, or a function returning them. */
  protocols?: ProtocolsSource;
  /** Every incoming message (not pongs). Messages do not pass through the actor. */
  onMessage?: (event: { data: unknown; origin?: string }) => void;
  /** Queued messages that will never be sent (the connection ended for good). */
  onUndelivered?: (messages: SendData[], error: HeartSocketError) => void;
}

/** The default of `queue.max`. */
export const DEFAULT_QUEUE_MAX = 1000;

const SOCKET_OPTION_KEYS = [...POLICY_OPTION_KEYS, 'WebSocket', 'queue', 'inspect', 'clock', 'resume'] as const;
const ACTOR_OPTION_KEYS = [...SOCKET_OPTION_KEYS, 'protocols', 'onMessage', 'onUndelivered'] as const;

function webSocketConstructor(option: unknown): WebSocketConstructor {
  const ctor = option ?? (globalThis as { WebSocket?: unknown }).WebSocket;
  if (option === undefined && ctor === undefined) {
    throw new TypeError(
      'heartsocket: this runtime has no global WebSocket (Node before 22): pass one as options.WebSocket, ' +
        "e.g. `import WebSocket from 'ws'` and `{ WebSocket }`.",
    );
  }
  // A constructor has a prototype: an arrow function or a plain object would fail at every attempt.
  if (typeof ctor !== 'function' || typeof ctor.prototype !== 'object' || ctor.prototype === null) {
    throw new TypeError(
      `heartsocket: ${option === undefined ? 'the global WebSocket' : 'options.WebSocket'} must be a WebSocket ` +
        `constructor, got ${typeof ctor === 'function' ? 'a function that is not one' : describeValue(ctor)}.`,
    );
  }
  return ctor as WebSocketConstructor;
}

/** `heartbeat.protocol: true` needs protocol pings, which only `ws` can send: say so at the call. */
function checkProtocolPings(protocol: boolean, WebSocket: WebSocketConstructor): void {
  if (protocol && typeof (WebSocket.prototype as { ping?: unknown } | undefined)?.ping !== 'function') {
    throw new TypeError(
      'heartsocket: options.heartbeat.protocol is true, but this WebSocket cannot send protocol pings (it has no ' +
        "ping(); browsers' and Node's standard WebSocket have none): pass ws's WebSocket, or leave it false to ping " +
        'with heartbeat.message.',
    );
  }
}

function checkClock(clock: unknown): SocketClock | undefined {
  if (clock === undefined) return undefined;
  // Load-bearing: without it `candidate` is `{} | null` (the rule sees the all-optional type as `{}`).
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- see above
  const candidate = clock as Partial<SocketClock> | null;
  if (
    typeof candidate?.now !== 'function' ||
    typeof candidate.setTimeout !== 'function' ||
    typeof candidate.clearTimeout !== 'function'
  ) {
    throw new TypeError("heartsocket: options.clock must have now(), setTimeout() and clearTimeout(), like XState's SimulatedClock.");
  }
  return candidate as SocketClock;
}

function queueMax(option: SocketOptions['queue']): number {
  if (option === undefined) return DEFAULT_QUEUE_MAX;
  if (typeof option !== 'object' || option === null) {
    throw optionTypeError('queue', 'an object like { max: 1000 }', option);
  }
  rejectUnknownKeys('queue.', option, ['max']);
  const max = option.max ?? DEFAULT_QUEUE_MAX;
  if (typeof max !== 'number') throw optionTypeError('queue.max', 'a number', max);
  if (!(max === Infinity || (Number.isInteger(max) && max >= 0))) {
    throw optionRangeError('queue.max', 'a whole number ≥ 0 or Infinity', max);
  }
  return max;
}

/** Browsers' and Node's standard WebSocket take these; `ws` takes its own as well. */
const STANDARD_BINARY_TYPES = ['blob', 'arraybuffer'];
const WS_BINARY_TYPES = ['nodebuffer', 'arraybuffer', 'fragments', 'blob'];

/** The `ws` package's WebSocket: the one with `terminate()`. */
const isWsConstructor = (WebSocket: WebSocketConstructor): boolean =>
  typeof (WebSocket.prototype as { terminate?: unknown } | undefined)?.terminate === 'function';

/** The binary types a socket of this constructor accepts, its default first. */
const binaryTypesOf = (WebSocket: WebSocketConstructor): readonly string[] =>
  isWsConstructor(WebSocket) ? WS_BINARY_TYPES : STANDARD_BINARY_TYPES;

/** `resume`: only what `resumable()` makes (its members are heartsocket's own). */
function checkResume(resume: unknown): ResumeOption | undefined {
  if (resume === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- load-bearing, as in checkClock
  if (typeof (resume as Partial<ResumeOption> | null)?.createLink === 'function') return resume as ResumeOption;
  throw optionTypeError('resume', "the value of resumable() from 'heartsocket/resume'", resume);
}

function checkInspect(inspect: unknown): InspectorOption | undefined {
  if (inspect === undefined) return undefined;
  const isObserver = typeof inspect === 'object' && inspect !== null && typeof (inspect as { next?: unknown }).next === 'function';
  if (typeof inspect === 'function' || isObserver) return inspect;
  throw optionTypeError('inspect', 'a function or an observer with next()', inspect);
}

/** `createSocketActor`'s `onMessage` or `onUndelivered`: a function, or none. */
function checkCallbackOption<F extends (...args: never[]) => unknown>(name: string, value: F | undefined): F | undefined {
  if (value === undefined || typeof value === 'function') return value;
  throw optionTypeError(name, 'a function', value);
}

/** Whether `b` has `a`'s values (`===`) under `a`'s keys: resolved settings always have the same keys. */
const sameValues = (a: object, b: object): boolean =>
  Object.entries(a).every(([key, value]) => value === (b as Record<string, unknown>)[key]);

/**
 * The settings of the latest connection, frozen: the next one made with the same options shares
 * them (each connection would keep three more objects: bench/connections.mjs measures the heap).
 */
let latestSettings: SocketSettings = DEFAULT_SETTINGS;
function shareSettings(settings: SocketSettings): SocketSettings {
  const { heartbeat, reconnect, ...rest } = settings;
  const latest = latestSettings;
  if (sameValues(rest, latest) && sameValues(heartbeat, latest.heartbeat) && sameValues(reconnect, latest.reconnect)) return latest;
  latestSettings = Object.freeze({ ...rest, heartbeat: Object.freeze({ ...heartbeat }), reconnect: Object.freeze({ ...reconnect }) });
  return latestSettings;
}

/** Everything the options say, validated and with the defaults filled in. */
export interface ResolvedOptions {
  /** The machine's policy (`resolveSettings`), shared between connections given equal options. */
  readonly settings: SocketSettings;
  /** The fixed URL, normalised, or the function to ask before each attempt. */
  readonly url: CheckedUrl;
  /** The fixed subprotocols, copied, or the function to ask before each attempt. */
  readonly protocols: CheckedProtocols;
  readonly WebSocket: WebSocketConstructor;
  /** `ws`'s WebSocket (it has `terminate()`): its EventEmitter API is used, and its own close timeout set. */
  readonly isWs: boolean;
  /** The `binaryType`s a socket of this constructor takes, its default first. */
  readonly binaryTypes: readonly string[];
  readonly queueMax: number;
  /** The user's clock; `undefined` for real time. */
  readonly clock: SocketClock | undefined;
  readonly inspect: InspectorOption | undefined;
  /** `resumable()`'s value, or `undefined`: no sessions. */
  readonly resume: ResumeOption | undefined;
}

/**
 * Validates every option of a connection in one pass and resolves it (an unknown option name is a
 * typo: it throws).
 * @throws {SyntaxError} an invalid URL or subprotocol. {@link TypeError}/{@link RangeError}: a bad option.
 */
export function resolveOptions(url: UrlSource, protocols: unknown, options: SocketOptions): ResolvedOptions {
  rejectUnknownKeys('', options, SOCKET_OPTION_KEYS);
  const checkedUrl = checkUrlSource(url);
  const checkedProtocols = checkProtocolsSource(protocols);
  const settings = resolveSettings(options);
  const WebSocket = webSocketConstructor(options.WebSocket);
  checkProtocolPings(settings.heartbeat.protocol, WebSocket);
  return {
    settings: shareSettings(settings),
    url: checkedUrl,
    protocols: checkedProtocols,
    WebSocket,
    isWs: isWsConstructor(WebSocket),
    binaryTypes: binaryTypesOf(WebSocket),
    clock: checkClock(options.clock),
    inspect: checkInspect(options.inspect),
    queueMax: queueMax(options.queue),
    resume: checkResume(options.resume),
  };
}

/** What `createSocketActor` takes beyond a `HeartSocket`'s options, checked with them. */
export interface ResolvedActorOptions extends ResolvedOptions {
  readonly onMessage: SocketActorOptions['onMessage'];
  readonly onUndelivered: SocketActorOptions['onUndelivered'];
}

/**
 * `resolveOptions` for `createSocketActor`: its `protocols`, `onMessage` and `onUndelivered` too.
 * @throws {TypeError} `onMessage` or `onUndelivered` that is not a function; see {@link resolveOptions}.
 */
export function resolveActorOptions(url: UrlSource, options: SocketActorOptions): ResolvedActorOptions {
  rejectUnknownKeys('', options, ACTOR_OPTION_KEYS);
  const { protocols, onMessage, onUndelivered, ...socketOptions } = options;
  return {
    ...resolveOptions(url, protocols, socketOptions),
    onMessage: checkCallbackOption('onMessage', onMessage),
    onUndelivered: checkCallbackOption('onUndelivered', onUndelivered),
  };
}
