/**
 * Diagrams generated from the machine's own definition: the state nodes, transitions, `after`
 * delays, guards, entry/exit actions and invoked actors that XState built from
 * `machine/socketMachine.ts`. Nothing here is drawn by hand, so a diagram cannot drift from the
 * code: `npm run viz` rewrites the files and `tests/visualizations/diagram.test.ts` fails when
 * the committed ones are stale.
 *
 * Every function is pure and deterministic (definition order, no clock, no randomness): the same
 * machine gives byte-identical output.
 *
 * - {@link describeMachine}: a JSON-safe model (`socket-machine.json`, read by the live view).
 * - {@link toMermaid}: Mermaid `stateDiagram-v2` (`socket-machine.mmd`, the README snippet).
 * - {@link toDot}: Graphviz (`socket-machine.dot`), rendered to SVG by {@link renderSvg}.
 */
import type { AnyStateMachine } from 'xstate';
import { DEFAULT_SETTINGS } from '../machine/settings.js';

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
  // Not an option: one turn of the event loop, so input already received is read first.
  pendingInput: { option: '(one event-loop turn)', defaultMs: 0 },
};

export type StateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface StateInfo {
  /** XState's id: the path from the root, dot-separated (`heartsocket.running.live`). */
  readonly id: string;
  readonly key: string;
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
  /** The event type XState matches, e.g. `SOCKET.OPEN` or `xstate.after.pongTimeout.<source>`. */
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
      `visualizations: the machine has a delay "${name}" that SOCKET_DELAYS (visualizations/diagram.ts) does not ` +
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

  const visit = (node: NodeLike): void => {
    const children = Object.values(node.states);
    states.push({
      id: node.id,
      key: node.key,
      parent: node.parent?.id ?? null,
      type: node.type,
      initial: node.initial?.target[0]?.id ?? null,
      children: children.map((child) => child.id),
      entry: actionNames(node.entry),
      exit: actionNames(node.exit),
      invoke: node.invoke.map((invoke) => nameOf(invoke.src, invoke.id)),
      svgId: svgStateId(node.id),
    });

    const all: TransitionLike[] = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    const guardedBefore = new Set<string>();
    for (const transition of all) {
      const delay = delayOf(transition, delays);
      const guard = transition.guard === undefined ? null : guardName(transition.guard);
      const isElse = guard === null && guardedBefore.has(transition.eventType);
      if (guard !== null) guardedBefore.add(transition.eventType);
      const targets = (transition.target ?? []).map((target) => target.id);
      const actions = actionNames(transition.actions);
      const trigger = triggerOf(transition, delay);
      const condition = guard !== null ? ` [${guard}]` : isElse ? ' [else]' : '';
      // A targetless transition changes nothing but runs its actions: they are what it is for.
      const effect = targets.length === 0 && actions.length > 0 ? ` / ${actions.join(', ')}` : '';
      const id = `t${transitions.length}`;
      const selfOnCompound = targets.length === 1 && targets[0] === node.id && node.type !== 'atomic';
      transitions.push({
        id,
        source: node.id,
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
            ? [svgStateId(node.id)]
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

/** What a state shows inside its box: entry/exit actions, invoked actors, targetless transitions. */
function internalLines(state: StateInfo, model: MachineModel): string[] {
  return [
    ...state.entry.map((action) => `entry / ${action}`),
    ...state.exit.map((action) => `exit / ${action}`),
    ...state.invoke.map((src) => `invoke ${src}`),
    ...model.transitions.filter((t) => t.source === state.id && t.targets.length === 0).map((t) => t.label),
  ];
}

const HEADER = 'Generated from machine/socketMachine.ts by `npm run viz` (visualizations/generate.ts). Do not edit.';

// ---------------------------------------------------------------------------------------------
// Mermaid
// ---------------------------------------------------------------------------------------------

/**
 * Mermaid `stateDiagram-v2`, with composite states for the nesting.
 *
 * Written in the subset Mermaid lays out correctly: the blocks only declare states (a state named
 * inside another composite's block is moved there), all transitions come after them at the top
 * level, and what a composite state does without leaving it (invoked actors, targetless
 * transitions) is a note, since Mermaid rejects descriptions on composite states.
 */
export function toMermaid(machine: AnyStateMachine): string {
  const model = describeMachine(machine);
  const byId = new Map(model.states.map((state) => [state.id, state]));
  const keyCount = new Map<string, number>();
  for (const state of model.states) keyCount.set(state.key, (keyCount.get(state.key) ?? 0) + 1);
  // Mermaid's state names are global: the key where it is unique, else the path.
  const mid = (id: string): string => {
    const state = byId.get(id)!;
    const name = keyCount.get(state.key) === 1 ? state.key : state.id;
    return name.replace(/[^A-Za-z0-9_]/g, '_');
  };

  const lines: string[] = ['stateDiagram-v2', `  %% ${HEADER}`];
  const root = model.states[0]!;
  lines.push(`  [*] --> ${mid(root.id)}`);

  const declare = (state: StateInfo, indent: string): void => {
    if (state.children.length === 0) {
      lines.push(`${indent}${mid(state.id)}`);
      return;
    }
    lines.push(`${indent}state ${mid(state.id)} {`);
    if (state.initial !== null) lines.push(`${indent}  [*] --> ${mid(state.initial)}`);
    for (const child of state.children) declare(byId.get(child)!, `${indent}  `);
    lines.push(`${indent}}`);
  };
  declare(root, '  ');

  for (const state of model.states) {
    const internal = internalLines(state, model);
    if (internal.length === 0) continue;
    if (state.children.length === 0) {
      // UML's internal compartment: the name first, then what happens inside.
      lines.push(`  state "${state.key}" as ${mid(state.id)}`);
      for (const line of internal) lines.push(`  ${mid(state.id)} : ${line}`);
    } else {
      lines.push(`  note left of ${mid(state.id)}`);
      for (const line of internal) lines.push(`    ${line}`);
      lines.push('  end note');
    }
  }

  for (const transition of model.transitions) {
    for (const target of transition.targets) {
      lines.push(`  ${mid(transition.source)} --> ${mid(target)} : ${transition.label}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Graphviz
// ---------------------------------------------------------------------------------------------

const FONT = 'Helvetica';

const dotString = (value: string): string =>
  `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const html = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const clusterName = (id: string): string => `cluster_${id}`;
/** The initial pseudo-state of a compound state; also the anchor of arrows to and from it. */
const initialNode = (id: string): string => `${id}:initial`;

/**
 * Graphviz, with compound states as clusters (`compound=true`: arrows to and from a compound state
 * end at its border; timers are dashed). Element ids are fixed so that the SVG can be driven by the
 * JSON model: `state-<state id>` for states, `t<n>` for transitions (`t<n>-out`/`t<n>-in` for a
 * compound state's self-transition, which leaves and re-enters its border through a point).
 */
export function toDot(machine: AnyStateMachine): string {
  const model = describeMachine(machine);
  const byId = new Map(model.states.map((state) => [state.id, state]));
  const isCompound = (id: string): boolean => byId.get(id)!.children.length > 0;
  const isInside = (id: string, ancestor: string): boolean => {
    for (let at: string | null = id; at !== null; at = byId.get(at)!.parent) if (at === ancestor) return true;
    return false;
  };
  /** The node an arrow attaches to: the state's own node, or a compound state's initial point. */
  const anchor = (id: string): string => (isCompound(id) ? initialNode(id) : id);

  const out: string[] = [
    `// ${HEADER}`,
    `digraph ${dotString(model.id)} {`,
    `  graph [compound=true, fontname=${dotString(FONT)}, fontsize=11, nodesep=0.35, ranksep=0.45, pad=0.2, bgcolor="white"];`,
    `  node [fontname=${dotString(FONT)}, fontsize=11, shape=box, style="rounded,filled", fillcolor="white", color="#4b5563", penwidth=1.2, margin="0.12,0.06"];`,
    `  edge [fontname=${dotString(FONT)}, fontsize=9, color="#4b5563", fontcolor="#1f2937", arrowsize=0.7];`,
  ];

  // Self-transitions of compound states leave the border and come back in through a point outside.
  const viaNodes = new Map<string, string[]>();
  for (const transition of model.transitions) {
    if (transition.svgIds.length !== 2) continue;
    const parent = byId.get(transition.source)!.parent;
    const list = viaNodes.get(parent ?? '') ?? [];
    list.push(transition.id);
    viaNodes.set(parent ?? '', list);
  }
  const viaNode = (transitionId: string): string => `${transitionId}:via`;
  const emitVia = (parentId: string, indent: string): void => {
    for (const transitionId of viaNodes.get(parentId) ?? []) {
      out.push(`${indent}${dotString(viaNode(transitionId))} [shape=point, width=0.04, style=filled, color="#4b5563", fillcolor="#4b5563", label=""];`);
    }
  };

  const declare = (state: StateInfo, indent: string): void => {
    const internal = internalLines(state, model);
    const details = internal.map((line) => `${html(line)}<BR ALIGN="LEFT"/>`).join('');
    if (state.children.length === 0) {
      const label =
        internal.length === 0
          ? `<<B>${html(state.key)}</B>>`
          : `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD><B>${html(state.key)}</B></TD></TR>` +
            `<HR/><TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="9">${details}</FONT></TD></TR></TABLE>>`;
      out.push(`${indent}${dotString(state.id)} [id=${dotString(state.svgId)}, label=${label}];`);
      return;
    }
    out.push(`${indent}subgraph ${dotString(clusterName(state.id))} {`);
    const inner = `${indent}  `;
    out.push(
      `${inner}graph [id=${dotString(state.svgId)}, label=<<B>${html(state.key)}</B>>, labeljust="l", labelloc="t", ` +
        `style="rounded,filled", fillcolor="${state.parent === null ? '#f9fafb' : '#ffffff'}", color="#9ca3af", penwidth=1.2, margin=10];`,
    );
    // The compartment of a compound state is a node of its own, so that the layout keeps arrows
    // and their labels off it (a cluster's label gets no such room).
    if (internal.length > 0) {
      out.push(
        `${inner}${dotString(`${state.id}:internal`)} [id=${dotString(`internal-${state.id}`)}, shape=plain, style="", ` +
          `label=<<FONT POINT-SIZE="9" COLOR="#374151">${details}</FONT>>];`,
      );
    }
    out.push(`${inner}${dotString(initialNode(state.id))} [id=${dotString(`initial-${state.id}`)}, shape=point, width=0.1, style=filled, color="#111827", fillcolor="#111827", label=""];`);
    for (const child of state.children) declare(byId.get(child)!, inner);
    emitVia(state.id, inner);
    out.push(`${indent}}`);
  };
  declare(model.states[0]!, '  ');
  emitVia('', '  ');

  for (const state of model.states) {
    if (state.initial === null) continue;
    const attrs = [`id=${dotString(`initial-edge-${state.id}`)}`];
    if (isCompound(state.initial)) attrs.push(`lhead=${dotString(clusterName(state.initial))}`);
    out.push(`  ${dotString(initialNode(state.id))} -> ${dotString(anchor(state.initial))} [${attrs.join(', ')}];`);
  }

  for (const transition of model.transitions) {
    const label = transition.label.replace(/ \[/, '\n[');
    const style = transition.delay !== null ? ', style="dashed"' : '';
    if (transition.targets.length === 0) continue; // drawn inside the state
    if (transition.svgIds.length === 2) {
      const source = transition.source;
      out.push(
        `  ${dotString(anchor(source))} -> ${dotString(viaNode(transition.id))} [id=${dotString(transition.svgIds[0]!)}, ` +
          `ltail=${dotString(clusterName(source))}, arrowhead=none, label=${dotString(label)}${style}];`,
      );
      out.push(
        `  ${dotString(viaNode(transition.id))} -> ${dotString(anchor(source))} [id=${dotString(transition.svgIds[1]!)}, ` +
          `lhead=${dotString(clusterName(source))}${style}];`,
      );
      continue;
    }
    transition.targets.forEach((target, index) => {
      const attrs = [`id=${dotString(transition.svgIds[index]!)}`, `label=${dotString(label)}`];
      if (isCompound(transition.source) && !isInside(target, transition.source)) {
        attrs.push(`ltail=${dotString(clusterName(transition.source))}`);
      }
      if (isCompound(target) && !isInside(transition.source, target)) attrs.push(`lhead=${dotString(clusterName(target))}`);
      out.push(`  ${dotString(anchor(transition.source))} -> ${dotString(anchor(target))} [${attrs.join(', ')}${style}];`);
    });
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/**
 * Renders DOT to SVG with Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`): no system
 * binary, and the same bytes on every machine for the same Graphviz version.
 */
export async function renderSvg(dot: string): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  return graphviz.layout(dot, 'svg', 'dot');
}
