/**
 * The test model: `socketMachine` itself, walked with `xstate/graph`. Nothing here restates the
 * machine's behaviour — the paths, and the state expected after every step, come from the
 * machine, so a new state or transition is tested without anyone writing a test for it.
 */
import type { AnyStateNode, EventObject, SnapshotFrom, TransitionDefinition } from 'xstate';
import { getAdjacencyMap, getShortestPaths, type AdjacencyValue, type StatePath } from 'xstate/graph';
import type { PolicyOptions } from '../../machine/settings.js';
import { socketMachine } from '../../machine/socketMachine.js';
import type { SocketMachineEvent } from '../../machine/types.js';

export type ModelSnapshot = SnapshotFrom<typeof socketMachine>;
/** A machine event, or a delayed transition's `xstate.after.<delay>.<state id>` event. */
export type ModelEvent = SocketMachineEvent | { type: `xstate.after.${string}` };
export type ModelPath = StatePath<ModelSnapshot, ModelEvent> & { variant: string };

/**
 * Timings for the model: distinct per delay, so the test clock can tell the timers apart.
 * `maxRetries: 1` makes both outcomes of the retry policy reachable in a short path.
 */
export const MODEL_POLICY = {
  heartbeat: { interval: 3000, timeout: 2000 },
  reconnect: { delay: 4000, maxRetries: 1, minUptime: 5000 },
  connectTimeout: 10000,
  closeTimeout: 1000,
} as const satisfies PolicyOptions;

/**
 * How the peer behaves between steps decides the heartbeat's guard, so the machine is walked
 * once per behaviour; together the walks reach every transition.
 */
const onTime = { now: () => 0, lateTimers: false, startsOffline: false };
export const VARIANTS = {
  /** Says nothing unless a step makes it: the heartbeat timer finds it silent. */
  silentPeer: { policy: MODEL_POLICY, silentFor: () => Infinity, ...onTime },
  /** Keeps talking: the heartbeat timer finds recent traffic and waits on. */
  chattyPeer: { policy: MODEL_POLICY, silentFor: () => 0, ...onTime },
  heartbeatOff: { policy: { ...MODEL_POLICY, heartbeat: false }, silentFor: () => Infinity, ...onTime },
  /** A stalled or sleeping host: every timer fires long after it was due. */
  stalledHost: { policy: MODEL_POLICY, silentFor: () => Infinity, now: lateClock(), lateTimers: true, startsOffline: false },
  /** `startClosed`: nothing happens until reconnect(). */
  startClosed: { policy: { ...MODEL_POLICY, startClosed: true }, silentFor: () => Infinity, ...onTime },
  /** A page created while the browser says offline. */
  offlineStart: { policy: MODEL_POLICY, silentFor: () => Infinity, ...onTime, startsOffline: true },
} as const;

/** For the graph walk: a clock that has moved on a great deal every time it is read. */
function lateClock(): () => number {
  let now = 0;
  return () => (now += 1e6);
}
export type VariantName = keyof typeof VARIANTS;

/**
 * Events the real world can cause, that the model leaves out, and why:
 * - `SEND` is how actor users send; `HeartSocket.send()` writes without an event (the hot path).
 * - `SOCKET.ERROR` never comes alone: the adapter reports it just before `SOCKET.CLOSE`.
 * - `CALLBACK.THREW` is a user's function throwing; it changes no state.
 * - `SESSION.HELLO`, `SESSION.READY`: the session handshake, only with `resume` (the model's
 *   sockets have none); tests/unit/handshake.test.ts and tests/integration/resume.test.ts.
 * All are covered by the unit and integration tests.
 */
export const EVENTS_OUTSIDE_THE_MODEL = ['SEND', 'SOCKET.ERROR', 'CALLBACK.THREW', 'SESSION.HELLO', 'SESSION.READY'] as const;

/**
 * Transitions the model's world never takes, and why:
 * - `reconnect()` while the attempt is still looking up its URL: every model step acts on an
 *   attempt already in flight. The unit tests and tests/integration/reentrancy.test.ts cover it.
 * - the session handshake's (`resume` on: into `connecting.handshake`, and its timeouts); the
 *   model's sockets have no `resume`. tests/unit/handshake.test.ts covers them.
 */
export const TRANSITIONS_OUTSIDE_THE_MODEL = [
  'live | RECONNECT | 0',
  'heartsocket.running.live.connecting.opening | SOCKET.OPEN | 0',
  'heartsocket.running.live.connecting.handshake.awaitingHello | xstate.after.handshakeTimeout.heartsocket.running.live.connecting.handshake.awaitingHello | 0',
  'heartsocket.running.live.connecting.handshake.awaitingAnswer | xstate.after.handshakeTimeout.heartsocket.running.live.connecting.handshake.awaitingAnswer | 0',
] as const;

const WORLD_EVENTS: ModelEvent[] = [
  { type: 'SOCKET.OPEN' },
  { type: 'SOCKET.CLOSE', code: 4001, reason: 'server closed', wasClean: true },
  { type: 'SOCKET.INVALID', error: new SyntaxError('invalid url'), reason: 'invalid url' },
  { type: 'PEER.HEARD' },
  { type: 'CLOSE' },
  { type: 'RECONNECT' },
  { type: 'RECONNECT', code: 4100, reason: 'new token' },
  { type: 'NETWORK.OFFLINE' },
  { type: 'NETWORK.ONLINE' },
];

/** The events possible in a snapshot: the world's, and the delayed transitions of its active states. */
function eventsFor(snapshot: ModelSnapshot): ModelEvent[] {
  const delayed = snapshot._nodes.flatMap((node: AnyStateNode) =>
    node.after.map((transition) => ({ type: transition.eventType })),
  );
  const unique = new Map([...WORLD_EVENTS, ...delayed].map((event) => [eventKey(event), event]));
  return [...unique.values()].filter((event) => socketMachine.getTransitionData(snapshot, event as never).length > 0);
}

/** An event's identity: its type, and its code where it has one (`RECONNECT` with and without). */
export const eventKey = (event: ModelEvent): string => ('code' in event ? `${event.type}(${event.code})` : event.type);

/** Bounded by the model policy (retries ≤ 1), so the graph is finite. */
function serializeState(snapshot: ModelSnapshot): string {
  return JSON.stringify([snapshot.value, snapshot.context.retries]);
}

function traversal(name: VariantName) {
  const variant = VARIANTS[name];
  return {
    events: eventsFor,
    serializeState,
    input: {
      ...variant.policy,
      silentFor: variant.silentFor,
      now: variant.now,
      hostIsOffline: () => variant.startsOffline,
      random: () => 0.5,
    },
  } as const;
}

/** The name a delayed transition's event carries: `xstate.after.pongTimeout.heartsocket…` → `pongTimeout`. */
export function delayNameOf(event: EventObject): string | undefined {
  return /^xstate\.after\.([^.]+)\./.exec(event.type)?.[1];
}

/**
 * Paths to run: the shortest path to every state, and for every transition the graph can take,
 * the shortest path to its source followed by it. Paths that are a prefix of another are dropped.
 */
export function generatePaths(): ModelPath[] {
  const paths: ModelPath[] = [];
  for (const name of Object.keys(VARIANTS) as VariantName[]) {
    const options = traversal(name);
    const shortest = getShortestPaths(socketMachine as never, options as never) as unknown as StatePath<ModelSnapshot, ModelEvent>[];
    const toState = new Map(shortest.map((path) => [serializeState(path.state), path]));
    paths.push(...shortest.map((path) => ({ ...path, variant: name })));
    const adjacency = getAdjacencyMap<ModelSnapshot, ModelEvent, unknown>(socketMachine as never, options);
    for (const [key, vertex] of Object.entries(adjacency) as [string, AdjacencyValue<ModelSnapshot, ModelEvent>][]) {
      const prefix = toState.get(key);
      if (prefix === undefined) continue;
      for (const { event, state } of Object.values(vertex.transitions)) {
        const steps = [...prefix.steps, { event, state }];
        paths.push({ state, steps, weight: steps.length, variant: name });
      }
    }
  }
  return withoutPrefixes(paths);
}

const pathKey = (path: ModelPath) => path.variant + ':' + path.steps.map((step) => eventKey(step.event)).join('>');

function withoutPrefixes(paths: ModelPath[]): ModelPath[] {
  const unique = new Map(paths.map((path) => [pathKey(path), path]));
  const keys = [...unique.keys()];
  return [...unique.entries()]
    .filter(([key]) => !keys.some((other) => other !== key && other.startsWith(key + '>')))
    .map(([, path]) => path)
    .sort((a, b) => pathKey(a).localeCompare(pathKey(b)));
}

/** Every transition the machine defines, by `state id | event | branch index`. */
export function allTransitions(): Set<string> {
  const keys = new Set<string>();
  const visit = (node: AnyStateNode) => {
    for (const [eventType, definitions] of node.transitions) {
      definitions.forEach((_, index) => keys.add(`${node.id} | ${eventType} | ${index}`));
    }
    Object.values(node.states).forEach(visit);
  };
  visit(socketMachine.root);
  return keys;
}

/** The transitions one step takes, keyed as in `allTransitions`. */
export function transitionsTaken(snapshot: ModelSnapshot, event: ModelEvent): string[] {
  return socketMachine
    .getTransitionData(snapshot, event as never)
    .map((definition: TransitionDefinition<any, any>) => {
      const branches = definition.source.transitions.get(definition.eventType) ?? [];
      return `${definition.source.id} | ${definition.eventType} | ${branches.indexOf(definition)}`;
    });
}

/** The transitions a set of paths takes, step by step from each path's start. */
export function coveredTransitions(paths: ModelPath[]): Set<string> {
  const covered = new Set<string>();
  for (const path of paths) {
    let previous: ModelSnapshot | undefined;
    for (const step of path.steps) {
      if (previous !== undefined) transitionsTaken(previous, step.event).forEach((key) => covered.add(key));
      previous = step.state;
    }
  }
  return covered;
}
