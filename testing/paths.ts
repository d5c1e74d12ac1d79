/**
 * The connection paths: `socketMachine` itself, walked with `xstate/graph`. Nothing here restates
 * the machine's behaviour — the paths, and the state expected after every step, come from the
 * machine, so a new state or transition gets its paths without anyone writing them.
 */
import type { AnyStateNode, EventObject, SnapshotFrom } from 'xstate';
import { getAdjacencyMap, getShortestPaths, type AdjacencyValue, type StatePath } from 'xstate/graph';
import { optionRangeError } from '../machine/optionErrors.js';
import type { PolicyOptions } from '../machine/settings.js';
import { socketMachine } from '../machine/socketMachine.js';
import { stateNameOf } from '../machine/stateName.js';
import type { SocketMachineEvent, SocketStateName } from '../machine/types.js';

/**
 * The machine's snapshot after a step of a path.
 *
 * @example
 * ```ts
 * const retries = (snapshot: PathSnapshot) => snapshot.context.retries;
 * ```
 */
export type PathSnapshot = SnapshotFrom<typeof socketMachine>;

/**
 * What a step of a path does: a machine event the world causes (`SOCKET.OPEN`: the server accepts;
 * `CLOSE`: the app calls `close()`; …), or a delayed transition's `xstate.after.<delay>.<state id>`
 * (a timer of the clock fires).
 *
 * @example
 * ```ts
 * const isTimer = (event: PathEvent) => event.type.startsWith('xstate.after.');
 * ```
 */
export type PathEvent = SocketMachineEvent | { type: `xstate.after.${string}` };

/**
 * Timings for the paths: distinct per delay, so that the walk can tell the timers apart by their
 * length. `maxRetries: 1` makes both outcomes of the retry policy reachable in a short path.
 */
const PATH_POLICY = {
  heartbeat: { interval: 3000, timeout: 2000 },
  reconnect: { delay: 4000, maxRetries: 1, minUptime: 5000 },
  connectTimeout: 10000,
  closeTimeout: 1000,
} as const satisfies PolicyOptions;

/**
 * The session handshake's timeout on the `resume` paths (`resumable({ timeout })`): distinct
 * from every delay above, so the walk tells its timer apart by its length.
 */
const PATH_HANDSHAKE_TIMEOUT = 1500;

/** For the graph walk: a clock that has moved on a great deal every time it is read. */
function lateClock(): () => number {
  let now = 0;
  return () => (now += 1e6);
}

/**
 * The ways the world is walked, each a separate set of paths: `silentPeer` (the server says nothing
 * unless a step makes it), `chattyPeer` (it keeps talking, so the heartbeat waits on),
 * `heartbeatOff`, `stalledHost` (every timer fires long after it was due), `startClosed` (the
 * socket waits for `reconnect()`), `offlineStart` (the browser says offline at the start),
 * and two with `resume` on, where every connection goes through the session handshake:
 * `sessionServer` (the server keeps sessions: its `hello`, then its answer to `start`/`resume`, or
 * silence until the answer's timeout) and `sessionlessServer` (a plain server: its first frame, or
 * silence until the `hello`'s timeout, settles the handshake as `unsupported`).
 *
 * @example
 * ```ts
 * const variants: PathVariant[] = ['silentPeer'];
 * const quick = connectionPaths({ variants });
 * ```
 */
export type PathVariant = 'silentPeer' | 'chattyPeer' | 'heartbeatOff' | 'stalledHost' | 'startClosed' | 'offlineStart' | 'sessionServer' | 'sessionlessServer';

/** A variant's world: the policy, and what the graph walk must assume of time, peer and host. */
interface VariantWorld {
  readonly policy: PolicyOptions;
  /** How long the peer has been silent when the heartbeat timer fires. */
  readonly silentFor: () => number;
  readonly now: () => number;
  /** Whether every timer fires long after it was due. */
  readonly lateTimers: boolean;
  readonly startsOffline: boolean;
  /** `resume` on: the session handshake's timeout (`resumable({ timeout })`); off without. */
  readonly handshakeTimeout?: number;
  /**
   * With `resume` on, whether the server keeps sessions: its first frame is then `hello` (so the
   * `hello`'s timeout never runs out), else it never says `hello`.
   */
  readonly serverKeepsSessions?: boolean;
}

/**
 * How the peer and the host behave between steps decides the machine's guards, so the machine is
 * walked once per behaviour; together the walks reach every transition.
 */
const onTime = { now: () => 0, lateTimers: false, startsOffline: false };
export const VARIANTS: Readonly<Record<PathVariant, VariantWorld>> = {
  silentPeer: { policy: PATH_POLICY, silentFor: () => Infinity, ...onTime },
  chattyPeer: { policy: PATH_POLICY, silentFor: () => 0, ...onTime },
  heartbeatOff: { policy: { ...PATH_POLICY, heartbeat: false }, silentFor: () => Infinity, ...onTime },
  stalledHost: { policy: PATH_POLICY, silentFor: () => Infinity, now: lateClock(), lateTimers: true, startsOffline: false },
  startClosed: { policy: { ...PATH_POLICY, startClosed: true }, silentFor: () => Infinity, ...onTime },
  offlineStart: { policy: PATH_POLICY, silentFor: () => Infinity, ...onTime, startsOffline: true },
  sessionServer: { policy: PATH_POLICY, silentFor: () => Infinity, ...onTime, handshakeTimeout: PATH_HANDSHAKE_TIMEOUT, serverKeepsSessions: true },
  sessionlessServer: { policy: PATH_POLICY, silentFor: () => Infinity, ...onTime, handshakeTimeout: PATH_HANDSHAKE_TIMEOUT, serverKeepsSessions: false },
};

/**
 * One step of a {@link ConnectionPath}: what happened, and the state the machine says the
 * connection is in after it.
 *
 * @example
 * ```ts
 * for (const step of path.steps) console.log(step.description, '→', step.state);
 * ```
 */
export interface PathStep {
  /** The event of the step (for the first step, the machine's initial `xstate.init`). */
  readonly event: PathEvent;
  /** What the step does, in words: `SOCKET.OPEN`, `after pongTimeout`, `RECONNECT(4100)`, `start`. */
  readonly description: string;
  /** The state the connection must be in after the step. */
  readonly state: SocketStateName;
  /** The machine's whole snapshot after the step (nested state value, retry count, tags). */
  readonly snapshot: PathSnapshot;
}

/**
 * A way the connection can go, from the start, generated from the machine: replay it against an
 * app with {@link walkPath}.
 *
 * @example
 * ```ts
 * const path: ConnectionPath = connectionPaths()[0]!;
 * console.log(path.name); // e.g. "silentPeer: SOCKET.OPEN → after heartbeatInterval → after pongTimeout"
 * ```
 */
export interface ConnectionPath {
  /** The variant and the steps, in words: a name for the test. */
  readonly name: string;
  /** The way the world is walked. */
  readonly variant: PathVariant;
  /** The policy options the app's socket runs with on this path (the walk passes them to the app). */
  readonly policy: PolicyOptions;
  /**
   * `resume` on this path: the options of `resumable()` the app's socket runs with (the walk
   * passes `resume: resumable(path.resume)` to the app); `undefined` without.
   */
  readonly resume: { readonly timeout: number } | undefined;
  /** The steps, the first one the start (the machine's initial state). */
  readonly steps: readonly PathStep[];
  /** The state the path ends in. */
  readonly state: SocketStateName;
}

/**
 * Which paths {@link connectionPaths} makes.
 *
 * @example
 * ```ts
 * const options: ConnectionPathsOptions = { variants: ['silentPeer', 'chattyPeer'] };
 * ```
 */
export interface ConnectionPathsOptions {
  /** The variants to walk. @default all of them */
  readonly variants?: readonly PathVariant[];
}

/**
 * Events the model's world causes. Left out, and why: `SEND` is how actor users send
 * (`HeartSocket.send()` writes without an event); `SOCKET.ERROR` never comes alone (the adapter
 * reports it just before `SOCKET.CLOSE`); `CALLBACK.THREW` is a user's function throwing, which
 * changes no state. `SESSION.HELLO` and `SESSION.READY` happen only in the session handshake
 * (`resume` on): the machine takes one transition on `SESSION.READY` whatever its outcome, so one
 * event stands for all of them — the walk's server answers what the client asked (a new session to
 * `start`, `resumed` to `resume`), or, before any `hello`, sends a plain server's first frame.
 */
const WORLD_EVENTS: PathEvent[] = [
  { type: 'SOCKET.OPEN' },
  { type: 'SOCKET.CLOSE', code: 4001, reason: 'server closed', wasClean: true },
  { type: 'SOCKET.INVALID', error: new SyntaxError('invalid url'), reason: 'invalid url' },
  { type: 'PEER.HEARD' },
  { type: 'CLOSE' },
  { type: 'RECONNECT' },
  { type: 'RECONNECT', code: 4100, reason: 'new token' },
  { type: 'NETWORK.OFFLINE' },
  { type: 'NETWORK.ONLINE' },
  { type: 'SESSION.HELLO' },
  { type: 'SESSION.READY', resumed: false, reason: null, sessionId: null },
];

/** The events possible in a snapshot: the world's, and the delayed transitions of its active states. */
function eventsFor(variant: VariantWorld, snapshot: PathSnapshot): PathEvent[] {
  const delayed = snapshot._nodes.flatMap((node: AnyStateNode) =>
    node.after.map((transition): PathEvent => ({ type: transition.eventType as `xstate.after.${string}` })),
  );
  const unique = new Map([...WORLD_EVENTS, ...delayed].map((event) => [eventKey(event), event]));
  return [...unique.values()].filter(
    (event) => socketMachine.getTransitionData(snapshot, event as never).length > 0 && serverCanCause(variant, snapshot, event),
  );
}

/**
 * What the handshake's server does before `hello`: a session server says `hello` first (no plain
 * first frame, `SESSION.READY`; no running out of the `hello`'s timeout); a plain server never says
 * `hello`. Each variant's paths thus reach `open` through its own server's handshake.
 */
function serverCanCause(variant: VariantWorld, snapshot: PathSnapshot, event: PathEvent): boolean {
  // An invalid URL is found before a socket is made: never once it is open, in the handshake.
  if (event.type === 'SOCKET.INVALID') return !inHandshake(snapshot);
  if (event.type === 'SESSION.HELLO') return variant.serverKeepsSessions === true;
  if (!awaitsHello(snapshot) || !variant.serverKeepsSessions) return true;
  return event.type !== 'SESSION.READY' && delayNameOf(event) !== 'handshakeTimeout';
}

/** Whether the snapshot is in the session handshake, or in its first step (`hello` awaited). */
export const inHandshake = (snapshot: PathSnapshot): boolean => snapshot._nodes.some((node: AnyStateNode) => node.key === 'handshake');
export const awaitsHello = (snapshot: PathSnapshot): boolean => snapshot._nodes.some((node: AnyStateNode) => node.key === 'awaitingHello');

/** An event's identity: its type, and its code where it has one (`RECONNECT` with and without). */
export const eventKey = (event: PathEvent): string => ('code' in event ? `${event.type}(${event.code})` : event.type);

/** The name a delayed transition's event carries: `xstate.after.pongTimeout.heartsocket…` → `pongTimeout`. */
export function delayNameOf(event: EventObject): string | undefined {
  return /^xstate\.after\.([^.]+)\./.exec(event.type)?.[1];
}

const describeEvent = (event: PathEvent): string => {
  const delay = delayNameOf(event);
  return delay === undefined ? eventKey(event) : `after ${delay}`;
};

/** Bounded by the policy (retries ≤ 1), so the graph is finite. */
function serializeState(snapshot: PathSnapshot): string {
  return JSON.stringify([snapshot.value, snapshot.context.retries]);
}

function traversal(name: PathVariant) {
  const variant = VARIANTS[name];
  return {
    events: (snapshot: PathSnapshot) => eventsFor(variant, snapshot),
    serializeState,
    input: {
      ...variant.policy,
      silentFor: variant.silentFor,
      now: variant.now,
      hostIsOffline: () => variant.startsOffline,
      random: () => 0.5,
      handshakeTimeout: variant.handshakeTimeout,
    },
  } as const;
}

type GraphPath = StatePath<PathSnapshot, PathEvent>;

/** The shortest path to every state, and for every transition the path to its source followed by it. */
function graphPaths(name: PathVariant): GraphPath[] {
  const options = traversal(name);
  const shortest = getShortestPaths(socketMachine as never, options as never) as unknown as GraphPath[];
  const toState = new Map(shortest.map((path) => [serializeState(path.state), path]));
  const paths = [...shortest];
  const adjacency = getAdjacencyMap<PathSnapshot, PathEvent, unknown>(socketMachine as never, options);
  for (const [key, vertex] of Object.entries(adjacency) as [string, AdjacencyValue<PathSnapshot, PathEvent>][]) {
    const prefix = toState.get(key);
    if (prefix === undefined) continue;
    for (const { event, state } of Object.values(vertex.transitions)) {
      const steps = [...prefix.steps, { event, state }];
      paths.push({ state, steps, weight: steps.length });
    }
  }
  return paths;
}

function toConnectionPath(variant: PathVariant, path: GraphPath): ConnectionPath {
  const steps = path.steps.map(({ event, state }, index) => ({
    event,
    description: index === 0 ? 'start' : describeEvent(event),
    state: stateNameOf(state),
    snapshot: state,
  }));
  const words = steps.slice(1).map((step) => step.description);
  const { handshakeTimeout } = VARIANTS[variant];
  return {
    name: `${variant}: ${words.join(' → ') || '(start)'}`,
    variant,
    policy: VARIANTS[variant].policy,
    resume: handshakeTimeout === undefined ? undefined : { timeout: handshakeTimeout },
    steps,
    state: stateNameOf(path.state),
  };
}

/**
 * The connection paths of heartsocket's machine, generated with `xstate/graph`: for each variant
 * of the world, the shortest path to every state and a path through every transition (delayed ones
 * included), without the paths that are the start of a longer one. Replay each with
 * {@link walkPath}: a new state or transition of the machine brings its paths with it.
 *
 * @throws {RangeError} `options.variants` naming a variant that does not exist.
 *
 * @example
 * ```ts
 * import { connectionPaths } from 'heartsocket/testing';
 *
 * const paths = connectionPaths();
 * console.log(paths.length, paths.map((path) => path.name));
 * ```
 */
export function connectionPaths(options: ConnectionPathsOptions = {}): ConnectionPath[] {
  const variants = options.variants ?? (Object.keys(VARIANTS) as PathVariant[]);
  const unique = new Map<string, ConnectionPath>();
  for (const variant of variants) {
    if (!Object.hasOwn(VARIANTS, variant)) throw optionRangeError('variants', `a list of ${Object.keys(VARIANTS).join(', ')}`, variant);
    for (const path of graphPaths(variant).map((graphPath) => toConnectionPath(variant, graphPath))) unique.set(pathKey(path), path);
  }
  const keys = [...unique.keys()];
  return [...unique.entries()]
    .filter(([key]) => !keys.some((other) => other !== key && other.startsWith(key + '>')))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, path]) => path);
}

const pathKey = (path: ConnectionPath) => path.variant + ':' + path.steps.map((step) => eventKey(step.event)).join('>');
