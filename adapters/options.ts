import type { InspectionEvent, Observer } from 'xstate';
import { POLICY_OPTION_KEYS, rejectUnknownKeys, type PolicyOptions } from '../machine/settings.js';
import type { SendData } from '../machine/types.js';
import type { SocketClock } from './clock.js';
import type { HeartSocketError } from './errors.js';
import type { ProtocolsSource } from './protocols.js';
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
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * The clock for every delay and for measuring silence. For tests: XState's `SimulatedClock`
   * (or anything with `now`, `setTimeout` and `clearTimeout`) makes the timing deterministic
   * while the sockets stay real.
   * @default real time (`performance.now()`, moved on by wall-clock jumps of a host that slept)
   */
  clock?: SocketClock;
}

/**
 * Options of `createSocketActor`.
 *
 * @example
 * ```ts
 * const actor = createSocketActor('wss://example.com/feed', {
 *   protocols: ['v2.feed'],
 *   onMessage: (event) => render(JSON.parse(String(event.data))),
 *   onUndelivered: (messages) => outbox.push(...messages),
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

export const SOCKET_OPTION_KEYS = [...POLICY_OPTION_KEYS, 'WebSocket', 'queue', 'inspect', 'clock'] as const;
export const ACTOR_OPTION_KEYS = [...SOCKET_OPTION_KEYS, 'protocols', 'onMessage', 'onUndelivered'] as const;

export function webSocketConstructor(option: unknown): WebSocketConstructor {
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
        `constructor, got ${typeof ctor === 'function' ? 'a function that is not one' : String(ctor)}.`,
    );
  }
  return ctor as WebSocketConstructor;
}

/** `heartbeat.protocol: true` needs protocol pings, which only `ws` can send: say so at the call. */
export function checkProtocolPings(protocol: boolean, WebSocket: WebSocketConstructor): void {
  if (protocol && typeof (WebSocket.prototype as { ping?: unknown } | undefined)?.ping !== 'function') {
    throw new TypeError(
      'heartsocket: options.heartbeat.protocol is true, but this WebSocket cannot send protocol pings (it has no ' +
        "ping(); browsers' and Node's standard WebSocket have none): pass ws's WebSocket, or leave it false to ping " +
        'with heartbeat.message.',
    );
  }
}

export function checkClock(clock: unknown): SocketClock | undefined {
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

export function queueMax(option: SocketOptions['queue']): number {
  if (option === undefined) return DEFAULT_QUEUE_MAX;
  if (typeof option !== 'object' || option === null) {
    throw new TypeError(`heartsocket: options.queue must be an object like { max: 1000 }, got ${String(option)}.`);
  }
  rejectUnknownKeys('queue.', option, ['max']);
  const max = option.max ?? DEFAULT_QUEUE_MAX;
  if (typeof max !== 'number') {
    throw new TypeError(`heartsocket: options.queue.max must be a number, got ${typeof max} ${JSON.stringify(max)}.`);
  }
  if (!(max === Infinity || (Number.isInteger(max) && max >= 0))) {
    throw new RangeError(`heartsocket: options.queue.max must be a whole number ≥ 0 or Infinity, got ${String(max)}.`);
  }
  return max;
}

/** Browsers' and Node's standard WebSocket take these; `ws` takes its own as well. */
const STANDARD_BINARY_TYPES = ['blob', 'arraybuffer'];
const WS_BINARY_TYPES = ['nodebuffer', 'arraybuffer', 'fragments', 'blob'];

/** The `ws` package's WebSocket: the one with `terminate()`. */
export const isWsConstructor = (WebSocket: WebSocketConstructor): boolean =>
  typeof (WebSocket.prototype as { terminate?: unknown } | undefined)?.terminate === 'function';

/** The binary types a socket of this constructor accepts, its default first. */
export const binaryTypesOf = (WebSocket: WebSocketConstructor): readonly string[] =>
  isWsConstructor(WebSocket) ? WS_BINARY_TYPES : STANDARD_BINARY_TYPES;
