/**
 * The machine as data, read from XState's own definition of `machine/socketMachine.ts`: every
 * state node and transition, with its timers, guards and actions (`socket-machine.json`, what the
 * diagrams and the live view are drawn from). Pure and deterministic.
 */
import { RESUME_DEFAULTS } from '../../adapters/resume/options.js';
import type { AnyStateMachine } from 'xstate';
import { DEFAULT_SETTINGS } from '../../machine/settings.js';

/** A named delay of the machine: the option that sets it and its default. */
export interface DelayInfo {
  readonly option: string;
  readonly defaultMs: number;
}

/**
 * The machine's named delays (`setup({ delays })`) and the option behind each, with the defaults
 * from `DEFAULT_SETTINGS`. A delay missing here makes the generator throw, so a new timer in the
 * machine cannot appear in a diagram without its meaning.
 */
export const SOCKET_DELAYS: Readonly<Record<string, DelayInfo>> = {
  heartbeatInterval: { option: 'heartbeat.interval', defaultMs: DEFAULT_SETTINGS.heartbeat.interval },
  pongTimeout: { option: 'heartbeat.timeout', defaultMs: DEFAULT_SETTINGS.heartbeat.timeout },
  reconnectDelay: { option: 'reconnect.delay', defaultMs: DEFAULT_SETTINGS.reconnect.delay },
  connectTimeout: { option: 'connectTimeout', defaultMs: DEFAULT_SETTINGS.connectTimeout },
  closeTimeout: { option: 'closeTimeout', defaultMs: DEFAULT_SETTINGS.closeTimeout },
  minUptime: { option: 'reconnect.minUptime', defaultMs: DEFAULT_SETTINGS.reconnect.minUptime },
  // `resumable({ timeout })` of heartsocket/resume: the session handshake's two waits.
  handshakeTimeout: { option: 'resume.timeout', defaultMs: RESUME_DEFAULTS.timeout },
  // Not an option: one turn of the event loop, so input already received is read first.
  pendingInput: { option: '(one event-loop turn)', defaultMs: 0 },
};

export type StateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface StateInfo {
  /**
   * The path from the root, dot-separated (`heartsocket.running.live`): XState's own id, unless
   * the state has an `id` for targets (`#live`), which is not what the diagrams or a value show.
   */
  readonly id: string;
  readonly key: string;
  /** The state's own tags (`connecting`, …, `forGood`), not its ancestors'. */
  readonly tags: readonly string[];
  readonly parent: string | null;
  readonly type: StateType;
  /** The id of the child entered first, for compound states. */
  readonly initial: string | null;
  readonly children: readonly string[];
  readonly entry: readonly string[];
  readonly exit: readonly string[];
  /** The `src` of each actor invoked while the state is active. */
  readonly invoke: readonly string[];
  /** The id of the state's element in the SVG (a node, or a cluster for compound states). */
  readonly svgId: string;
}

export interface TransitionInfo {
  /** `t0`, `t1`, … in definition order. */
  readonly id: string;
  readonly source: string;
  /** Target state ids; empty for a targetless transition (actions only, no state change). */
  readonly targets: readonly string[];
  /** The event type XState matches, e.g. `SOCKET.OPEN` or `xstate.after.pongTimeout.<XState's id of the source>`. */
  readonly eventType: string;
  /** What triggers it, as drawn: the event type, `after <delay> (<default> ms)`, or `always`. */
  readonly trigger: string;
  readonly delay: { readonly name: string | null; readonly option: string | null; readonly defaultMs: number } | null;
  readonly guard: string | null;
  /** No guard, but an earlier transition for the same event from the same state has one. */
  readonly isElse: boolean;
  readonly actions: readonly string[];
  readonly reenter: boolean;
  /** The label drawn on the arrow (or inside the state, for targetless transitions). */
  readonly label: string;
  /** The ids of its elements in the SVG (an edge; two for a compound state's self-transition). */
  readonly svgIds: readonly string[];
}

export interface MachineModel {
  readonly id: string;
  readonly delays: Readonly<Record<string, DelayInfo>>;
  readonly states: readonly StateInfo[];
  readonly transitions: readonly TransitionInfo[];
}

/** The parts of XState's StateNode and TransitionDefinition that the walk reads. */
interface NodeLike {
  id: string;
  key: string;
  /** The keys from the root down (empty for the root). */
  path: readonly string[];
  tags: readonly string[];
  type: StateType;
  parent?: NodeLike | undefined;
  states: Record<string, NodeLike>;
  initial?: { target: readonly NodeLike[] } | undefined;
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[] | undefined;
  entry: readonly unknown[];
  exit: readonly unknown[];
  invoke: readonly { src: unknown; id: string }[];
}

interface TransitionLike {
  eventType: string;
  target?: readonly NodeLike[] | undefined;
  guard?: unknown;
  actions: readonly unknown[];
  reenter: boolean;
  delay?: string | number;
}

const AFTER_PREFIX = 'xstate.after.';

/** Built-in actions XState adds on its own (scheduling and cancelling `after` timers). */
const HIDDEN_ACTIONS = new Set(['xstate.raise', 'xstate.cancel']);

function nameOf(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') {
    const typed = value as { type?: unknown; name?: unknown };
    if (typeof typed.type === 'string') return typed.type;
    return typeof typed.name === 'string' && typed.name !== '' ? typed.name : fallback;
  }
  if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
    return (value as { type: string }).type;
  }
  return fallback;
}

/** A guard by name: `'heartbeatIsOff'`, `{ type: 'mayReconnect', params }`, or `not(...)`/`and`/`or`. */
function guardName(guard: unknown): string {
  if (typeof guard === 'function') {
    const composite = guard as { type?: unknown; guards?: unknown };
    const parts = Array.isArray(composite.guards) ? composite.guards.map(guardName) : [];
    if (composite.type === 'xstate.not' && parts.length === 1) return `!${parts[0]}`;
    if (composite.type === 'xstate.and') return parts.join(' && ');
    if (composite.type === 'xstate.or') return parts.join(' || ');
  }
  return nameOf(guard, 'inline guard');
}

function actionNames(actions: readonly unknown[]): string[] {
  return actions
    .map((action) => nameOf(action, 'inline action'))
    .filter((name) => !HIDDEN_ACTIONS.has(name))
    .map((name) => (name.startsWith('xstate.') ? name.slice('xstate.'.length) : name));
}

function delayOf(
  transition: TransitionLike,
  delays: Readonly<Record<string, DelayInfo>>,
): TransitionInfo['delay'] {
  if (!transition.eventType.startsWith(AFTER_PREFIX)) return null;
  const delay = transition.delay;
  // A literal number of milliseconds (`after: { 1000: … }`) has no name and no option.
  if (typeof delay === 'number' || (typeof delay === 'string' && /^\d+$/.test(delay))) {
    return { name: null, option: null, defaultMs: Number(delay) };
  }
  const name = String(delay);
  const info = delays[name];
  if (info === undefined) {
    throw new Error(
      `visualizations: the machine has a delay "${name}" that SOCKET_DELAYS (visualizations/diagram/machineModel.ts) does not ` +
        'describe; add it with its option name and default.',
    );
  }
  return { name, option: info.option, defaultMs: info.defaultMs };
}

function triggerOf(transition: TransitionLike, delay: TransitionInfo['delay']): string {
  if (delay !== null) return delay.name === null ? `after ${delay.defaultMs} ms` : `after ${delay.name} (${delay.defaultMs} ms)`;
  if (transition.eventType === '') return 'always';
  return transition.eventType;
}

const svgStateId = (id: string): string => `state-${id}`;

/**
 * The machine as data: every state node (depth first, in definition order) and every transition
 * (each state's `on`, `after` and `always`, in definition order), with the labels the diagrams use.
 */
export function describeMachine(
  machine: AnyStateMachine,
  delays: Readonly<Record<string, DelayInfo>> = SOCKET_DELAYS,
): MachineModel {
  const root = machine.root as unknown as NodeLike;
  const states: StateInfo[] = [];
  const transitions: TransitionInfo[] = [];
  const idOf = (node: NodeLike): string => [root.id, ...node.path].join('.');

  const visit = (node: NodeLike): void => {
    const children = Object.values(node.states);
    const nodeId = idOf(node);
    states.push({
      id: nodeId,
      key: node.key,
      tags: node.tags,
      parent: node.parent === undefined ? null : idOf(node.parent),
      type: node.type,
      initial: node.initial?.target[0] === undefined ? null : idOf(node.initial.target[0]),
      children: children.map(idOf),
      entry: actionNames(node.entry),
      exit: actionNames(node.exit),
      invoke: node.invoke.map((invoke) => nameOf(invoke.src, invoke.id)),
      svgId: svgStateId(nodeId),
    });

    const all: TransitionLike[] = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    const guardedBefore = new Set<string>();
    for (const transition of all) {
      const delay = delayOf(transition, delays);
      const guard = transition.guard === undefined ? null : guardName(transition.guard);
      const isElse = guard === null && guardedBefore.has(transition.eventType);
      if (guard !== null) guardedBefore.add(transition.eventType);
      const targets = (transition.target ?? []).map(idOf);
      const actions = actionNames(transition.actions);
      const trigger = triggerOf(transition, delay);
      const condition = guard !== null ? ` [${guard}]` : isElse ? ' [else]' : '';
      // A targetless transition changes nothing but runs its actions: they are what it is for.
      const effect = targets.length === 0 && actions.length > 0 ? ` / ${actions.join(', ')}` : '';
      const id = `t${transitions.length}`;
      const selfOnCompound = targets.length === 1 && targets[0] === nodeId && node.type !== 'atomic';
      transitions.push({
        id,
        source: nodeId,
        targets,
        eventType: transition.eventType,
        trigger,
        delay,
        guard,
        isElse,
        actions,
        reenter: transition.reenter,
        label: `${trigger}${condition}${effect}`,
        svgIds:
          targets.length === 0
            ? [svgStateId(nodeId)]
            : selfOnCompound
              ? [`${id}-out`, `${id}-in`]
              : targets.length === 1
                ? [id]
                : targets.map((_, index) => `${id}-${index}`),
      });
    }
    children.forEach(visit);
  };
  visit(root);
  return { id: root.id, delays, states, transitions };
}

/** `socket-machine.json`: the model, for the live view and other tools. */
export function toJson(machine: AnyStateMachine): string {
  return `${JSON.stringify(describeMachine(machine), null, 2)}\n`;
}
