import { createActor, fromCallback, type Actor, type ActorSystem, type InspectionEvent, type Observer } from 'xstate';
import { POLICY_OPTION_KEYS, rejectUnknownKeys, resolveSettings, type PolicyOptions } from '../machine/settings.js';
import { socketMachine } from '../machine/socketMachine.js';
import type { SendData, SocketCommand, SocketEvent } from '../machine/types.js';
import { HeartSocketError } from './errors.js';
import { networkStatusLogic } from './networkStatus.js';
import { createSocketCallback, type SocketCallback } from './socketActor.js';
import { SocketLink, type LinkHooks } from './socketLink.js';
import { urlResolver, type UrlSource } from './url.js';
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
  WebSocket?: WebSocketConstructor | (new (...args: any[]) => any);
  /** The queue for messages sent while not open. */
  queue?: {
    /** Most messages kept; one more makes `send()` throw `QUEUE_FULL`. @default 1000 */
    max?: number;
  };
  /**
   * XState's inspection observer, e.g. `createBrowserInspector().inspect` from
   * `@statelyai/inspect`: the live machine shows in the Stately inspector.
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * The clock for every delay and for measuring silence. For tests: XState's `SimulatedClock`
   * (or anything with `now`, `setTimeout` and `clearTimeout`) makes the timing deterministic
   * while the sockets stay real.
   * @default real time (`performance.now()` and the global timers)
   */
  clock?: SocketClock;
}

/**
 * What `options.clock` must have: XState's `Clock` plus `now()`.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * const clock = new SimulatedClock(); // has now(), setTimeout() and clearTimeout()
 * const socket = new HeartSocket(url, [], { WebSocket, clock });
 * clock.increment(3000); // the heartbeat interval passes at once
 * ```
 */
export interface SocketClock {
  /** The current time in milliseconds. */
  now(): number;
  /** Calls `callback` after `ms` milliseconds of this clock; returns an id for `clearTimeout`. */
  setTimeout(callback: (...args: any[]) => void, ms: number): any;
  /** Cancels a `setTimeout`. */
  clearTimeout(id: any): void;
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
  /** Subprotocols, as the WebSocket constructor's second argument. */
  protocols?: string | string[];
  /** Every incoming message (not pongs). Messages do not pass through the actor. */
  onMessage?: (event: { data: unknown; origin?: string }) => void;
  /** Queued messages that will never be sent (the connection ended for good). */
  onUndelivered?: (messages: SendData[], error: HeartSocketError) => void;
}

const SOCKET_OPTION_KEYS = [...POLICY_OPTION_KEYS, 'WebSocket', 'queue', 'inspect', 'clock'] as const;
const ACTOR_OPTION_KEYS = [...SOCKET_OPTION_KEYS, 'protocols', 'onMessage', 'onUndelivered'] as const;

function webSocketConstructor(option: unknown): WebSocketConstructor {
  const ctor = option ?? (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof ctor !== 'function') {
    throw new TypeError(
      option === undefined
        ? 'heartsocket: this runtime has no global WebSocket (Node before 22): pass one as options.WebSocket, ' +
            "e.g. `import WebSocket from 'ws'` and `{ WebSocket }`."
        : `heartsocket: options.WebSocket must be a WebSocket constructor, got ${String(option)}.`,
    );
  }
  return ctor as WebSocketConstructor;
}

function checkClock(clock: unknown): SocketClock | undefined {
  if (clock === undefined) return undefined;
  const candidate = clock as Partial<SocketClock> | null;
  if (
    typeof candidate?.now !== 'function' ||
    typeof candidate.setTimeout !== 'function' ||
    typeof candidate.clearTimeout !== 'function'
  ) {
    throw new TypeError('heartsocket: options.clock must have now(), setTimeout() and clearTimeout(), like XState\'s SimulatedClock.');
  }
  return candidate as SocketClock;
}

function queueMax(option: SocketOptions['queue']): number {
  if (option === undefined) return 1000;
  if (typeof option !== 'object' || option === null) {
    throw new TypeError(`heartsocket: options.queue must be an object like { max: 1000 }, got ${String(option)}.`);
  }
  rejectUnknownKeys('queue.', option, ['max']);
  const max = option.max ?? 1000;
  if (typeof max !== 'number' || !(max === Infinity || (Number.isInteger(max) && max >= 0))) {
    throw new RangeError(`heartsocket: options.queue.max must be a whole number ≥ 0 or Infinity, got ${String(max)}.`);
  }
  return max;
}

function checkProtocols(protocols: unknown): string | string[] | undefined {
  if (protocols === undefined) return undefined;
  const list = typeof protocols === 'string' ? [protocols] : protocols;
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) {
    throw new TypeError(`heartsocket: protocols must be a string or an array of strings, got ${String(protocols)}.`);
  }
  if (new Set(list).size !== list.length) {
    throw new SyntaxError(`heartsocket: protocols must not repeat a name, got ${JSON.stringify(list)}.`);
  }
  return protocols as string | string[];
}

/** What one client's actor needs of its own: its socket, and the state the hot path shares. */
interface Client {
  readonly link: SocketLink;
  readonly socket: SocketCallback;
}

/**
 * Every client runs the one machine provided here (providing per client copies the whole machine,
 * some 30 KiB each). A client's own implementations are found from its actor system: each
 * `createActor` makes a new one, which the actors it invokes share.
 */
const clients = new WeakMap<ActorSystem<any>, Client>();
function clientOf(system: ActorSystem<any>): Client {
  const client = clients.get(system);
  if (client === undefined) {
    throw new Error('heartsocket: this machine runs only in the actor that createSocketActor() or HeartSocket made for it.');
  }
  return client;
}

const boundMachine = socketMachine.provide({
  actors: {
    socket: fromCallback<SocketCommand, void, SocketEvent>((args) => clientOf(args.system).socket(args)),
    network: networkStatusLogic,
  },
  actions: {
    flushQueue: ({ system }) => clientOf(system).link.flush(),
    transmit: ({ event, system }) => {
      if (event.type !== 'SEND') return;
      const { link } = clientOf(system);
      try {
        link.send(event.data);
      } catch (error) {
        link.hooks.onUndelivered([event.data], error as HeartSocketError);
      }
    },
    refuseSend: ({ event, system }) => {
      if (event.type !== 'SEND') return;
      clientOf(system).link.hooks.onUndelivered(
        [event.data],
        new HeartSocketError('CLOSED', 'SEND after the connection was closed; send RECONNECT first.'),
      );
    },
    discardQueue: ({ context, system }) =>
      clientOf(system).link.discard(
        context.closeRequest !== null ? 'close() was called' : 'the connection ended and will not be retried',
      ),
  },
});

/** What `bindSocket` gives the public class: the actor and the state its hot path shares. */
export interface SocketBinding {
  readonly actor: Actor<typeof socketMachine>;
  readonly link: SocketLink;
}

/**
 * Validates everything at the call (bad input throws here, never later in a retry loop) and binds
 * the pure machine to real sockets. The actor is returned unstarted.
 */
export function bindSocket(
  url: UrlSource,
  protocols: unknown,
  options: SocketOptions,
  hooks: LinkHooks,
): SocketBinding {
  const resolveUrl = urlResolver(url);
  const checkedProtocols = checkProtocols(protocols);
  const settings = resolveSettings(options);
  const WebSocket = webSocketConstructor(options.WebSocket);
  const clock = checkClock(options.clock);
  const link = new SocketLink(queueMax(options.queue), hooks, clock && (() => clock.now()));

  const { heartbeat, reconnect, connectTimeout, closeTimeout } = options;
  const actor = createActor(boundMachine, {
    input: { heartbeat, reconnect, connectTimeout, closeTimeout, silentFor: link.silentFor, random: Math.random },
    ...(options.inspect !== undefined && { inspect: options.inspect }),
    ...(clock !== undefined && { clock }),
  });
  clients.set(actor.system, {
    link,
    socket: createSocketCallback({
      WebSocket,
      protocols: checkedProtocols,
      resolveUrl,
      heartbeat: settings.heartbeat,
      link,
    }),
  });
  return { actor, link };
}

/**
 * Starts the connection statechart bound to a real WebSocket, as a plain XState actor, for users
 * who compose actors themselves. Drive it with events — `{ type: 'SEND', data }`,
 * `{ type: 'CLOSE', code?, reason? }`, `{ type: 'RECONNECT' }` — and observe it with
 * `actor.subscribe(...)` and `actor.on('open' | 'close' | 'error', ...)`.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const actor = createSocketActor('ws://127.0.0.1:8080', {
 *   WebSocket,
 *   onMessage: (event) => console.log(event.data),
 * });
 * actor.on('open', () => actor.send({ type: 'SEND', data: 'hello' }));
 * ```
 * @throws {SyntaxError} an invalid URL. {@link TypeError}/{@link RangeError}: a bad option.
 */
export function createSocketActor(url: UrlSource, options: SocketActorOptions = {}): Actor<typeof socketMachine> {
  rejectUnknownKeys('', options, ACTOR_OPTION_KEYS);
  const { onMessage = () => {}, onUndelivered, protocols, ...socketOptions } = options;
  const { actor } = bindSocket(url, protocols, socketOptions, {
    onMessage,
    onUndelivered:
      onUndelivered ??
      ((_messages, error) => {
        // Nobody asked to hear about it: say it where a developer will see it, never drop quietly.
        console.warn(error.message);
      }),
  });
  return actor.start();
}

export { SOCKET_OPTION_KEYS };
