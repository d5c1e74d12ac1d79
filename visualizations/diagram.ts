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
 *
 * For the live view, labelled for the socket it watches ({@link timingsFromSettings}):
 * - {@link dotFromModel} with {@link DotOptions}: the full chart in words, with the socket's
 *   timings and the label sizes the page measured;
 * - {@link toFlatDot} / {@link flatModel}: the six-state view and the map from model transitions
 *   to its arrows.
 * Words come from dictionaries ({@link EVENT_WORDS}, {@link GUARD_WORDS}, {@link DELAY_WORDS},
 * {@link ACTION_WORDS}) that throw on a name they lack, as {@link SOCKET_DELAYS} does.
 */
import type { AnyStateMachine } from 'xstate';
import { DEFAULT_SETTINGS } from '../machine/settings.js';
import { stateNameOf } from '../machine/stateName.js';

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
function internalLines(
  state: StateInfo,
  model: MachineModel,
  label: (transition: TransitionInfo) => string = (transition) => transition.label,
): string[] {
  return [
    ...state.entry.map((action) => `entry / ${action}`),
    ...state.exit.map((action) => `exit / ${action}`),
    ...state.invoke.map((src) => `invoke ${src}`),
    ...model.transitions.filter((t) => t.source === state.id && t.targets.length === 0).map(label),
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

/** A label's text style, as the SVG draws it: Graphviz writes `font-size` in user units. */
export interface LabelStyle {
  readonly fontSize: number;
  readonly bold: boolean;
}

/**
 * The size a line of text takes where it is drawn (in SVG user units): the page measures it in its
 * own fonts, so that Graphviz lays out boxes to the widths the browser really draws.
 */
export type LabelMeasure = (text: string, style: LabelStyle) => { readonly width: number; readonly height: number };

/** How the full chart is labelled; none of them: the committed `socket-machine.dot`, unchanged. */
export interface DotOptions {
  /** The watched socket's timings, in place of the defaults. */
  readonly timings?: DiagramTimings;
  /** Labels in words ("socket closed [retry allowed]") instead of the machine's names. */
  readonly readable?: boolean;
  /** Measured text sizes: every label becomes fixed cells of exactly these sizes. */
  readonly labelSize?: LabelMeasure;
}

/** One line of a label: its text and style. */
interface LabelLine {
  readonly text: string;
  readonly fontSize: number;
  readonly bold?: boolean;
  readonly color?: string;
}

/**
 * An HTML-like label of lines, left-aligned. With `measure`, each line is a cell of fixed size
 * (rounded up), so the box around it is as wide as the page draws the text: Graphviz's own
 * estimate of Helvetica is not what Chromium uses.
 */
function htmlLines(lines: readonly LabelLine[], measure: LabelMeasure | undefined): string {
  const rows = lines.map((line) => {
    let content = html(line.text);
    if (line.bold === true) content = `<B>${content}</B>`;
    const color = line.color === undefined ? '' : ` COLOR="${line.color}"`;
    content = `<FONT POINT-SIZE="${line.fontSize}"${color}>${content}</FONT>`;
    if (measure === undefined) return `<TR><TD ALIGN="LEFT">${content}</TD></TR>`;
    const size = measure(line.text, { fontSize: line.fontSize, bold: line.bold === true });
    const width = Math.ceil(size.width) + 1;
    const height = Math.ceil(size.height);
    return `<TR><TD FIXEDSIZE="TRUE" WIDTH="${width}" HEIGHT="${height}" ALIGN="LEFT">${content}</TD></TR>`;
  });
  return `<<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0">${rows.join('')}</TABLE>>`;
}

/**
 * Graphviz, with compound states as clusters (`compound=true`: arrows to and from a compound state
 * end at its border; timers are dashed). Element ids are fixed so that the SVG can be driven by the
 * JSON model: `state-<state id>` for states, `t<n>` for transitions (`t<n>-out`/`t<n>-in` for a
 * compound state's self-transition, which leaves and re-enters its border through a point).
 *
 * Without options it is the committed `socket-machine.dot`; the live view passes the watched
 * socket's timings, readable wording and measured label sizes ({@link DotOptions}).
 */
export function toDot(machine: AnyStateMachine, options?: DotOptions): string {
  return dotFromModel(describeMachine(machine), options);
}

/** {@link toDot} from the JSON model (the browser has the model, not the machine). */
export function dotFromModel(model: MachineModel, options: DotOptions = {}): string {
  const custom = options.timings !== undefined || options.readable === true || options.labelSize !== undefined;
  if (options.readable === true) assertWording(model);
  const timings = options.timings ?? DEFAULT_TIMINGS;
  const measure = options.labelSize;
  const byId = new Map(model.states.map((state) => [state.id, state]));
  const isCompound = (id: string): boolean => byId.get(id)!.children.length > 0;
  const isInside = (id: string, ancestor: string): boolean => {
    for (let at: string | null = id; at !== null; at = byId.get(at)!.parent) if (at === ancestor) return true;
    return false;
  };
  /** The node an arrow attaches to: the state's own node, or a compound state's initial point. */
  const anchor = (id: string): string => (isCompound(id) ? initialNode(id) : id);
  const labelOf = (transition: TransitionInfo): string =>
    options.readable === true
      ? readableLabel(transition, model, timings)
      : options.timings !== undefined
        ? technicalLabel(transition, timings)
        : transition.label;
  const internalOf = (state: StateInfo): string[] =>
    options.readable === true ? readableInternalLines(state, model, timings) : internalLines(state, model, labelOf);

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
    const internal = internalOf(state);
    const details = internal.map((line) => `${html(line)}<BR ALIGN="LEFT"/>`).join('');
    if (state.children.length === 0) {
      const label = custom
        ? htmlLines(
            [{ text: state.key, fontSize: 11, bold: true }, ...internal.map((text) => ({ text, fontSize: 9 }))],
            measure,
          )
        : internal.length === 0
          ? `<<B>${html(state.key)}</B>>`
          : `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR><TD><B>${html(state.key)}</B></TD></TR>` +
            `<HR/><TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="9">${details}</FONT></TD></TR></TABLE>>`;
      out.push(`${indent}${dotString(state.id)} [id=${dotString(state.svgId)}, label=${label}];`);
      return;
    }
    out.push(`${indent}subgraph ${dotString(clusterName(state.id))} {`);
    const inner = `${indent}  `;
    const clusterLabel = custom ? htmlLines([{ text: state.key, fontSize: 11, bold: true }], measure) : `<<B>${html(state.key)}</B>>`;
    out.push(
      `${inner}graph [id=${dotString(state.svgId)}, label=${clusterLabel}, labeljust="l", labelloc="t", ` +
        `style="rounded,filled", fillcolor="${state.parent === null ? '#f9fafb' : '#ffffff'}", color="#9ca3af", penwidth=1.2, margin=10];`,
    );
    // The compartment of a compound state is a node of its own, so that the layout keeps arrows
    // and their labels off it (a cluster's label gets no such room).
    if (internal.length > 0) {
      const label = custom
        ? htmlLines(internal.map((text) => ({ text, fontSize: 9, color: '#374151' })), measure)
        : `<<FONT POINT-SIZE="9" COLOR="#374151">${details}</FONT>>`;
      out.push(
        `${inner}${dotString(`${state.id}:internal`)} [id=${dotString(`internal-${state.id}`)}, shape=plain, style="", ` +
          `label=${label}];`,
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

  const edgeLabel = (transition: TransitionInfo): string => {
    const text = labelOf(transition).replace(/ \[/, '\n[');
    return custom ? htmlLines(text.split('\n').map((line) => ({ text: line, fontSize: 9 })), measure) : dotString(text);
  };
  for (const transition of model.transitions) {
    const style = transition.delay !== null ? ', style="dashed"' : '';
    if (transition.targets.length === 0) continue; // drawn inside the state
    const label = edgeLabel(transition);
    if (transition.svgIds.length === 2) {
      const source = transition.source;
      out.push(
        `  ${dotString(anchor(source))} -> ${dotString(viaNode(transition.id))} [id=${dotString(transition.svgIds[0]!)}, ` +
          `ltail=${dotString(clusterName(source))}, arrowhead=none, label=${label}${style}];`,
      );
      out.push(
        `  ${dotString(viaNode(transition.id))} -> ${dotString(anchor(source))} [id=${dotString(transition.svgIds[1]!)}, ` +
          `lhead=${dotString(clusterName(source))}${style}];`,
      );
      continue;
    }
    transition.targets.forEach((target, index) => {
      const attrs = [`id=${dotString(transition.svgIds[index]!)}`, `label=${label}`];
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

// ---------------------------------------------------------------------------------------------
// Readable wording and the watched socket's timings
// ---------------------------------------------------------------------------------------------

/**
 * The timings a diagram is labelled with: the machine context's `settings` (`SocketSettings`) as
 * JSON, i.e. without its functions. `fromDefaults`: no settings were given, these are
 * `DEFAULT_SETTINGS`, and the view says so.
 */
export interface DiagramTimings {
  readonly heartbeat: { readonly enabled: boolean; readonly interval: number; readonly timeout: number };
  readonly reconnect: {
    readonly enabled: boolean;
    readonly delay: number;
    readonly factor: number;
    readonly maxDelay: number;
    readonly jitter: number;
    /** `Infinity` (JSON turns it into `null`, read back as `Infinity`). */
    readonly maxRetries: number;
    readonly minUptime: number;
  };
  readonly connectTimeout: number;
  readonly closeTimeout: number;
  readonly startClosed: boolean;
  readonly fromDefaults: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * The timings of a socket from its machine context's `settings` (as the inspector sends them: JSON,
 * functions stripped). `null`/`undefined` gives the defaults, marked `fromDefaults`; a field that is
 * missing or not a number falls back to its default.
 *
 * @example
 * ```ts
 * timingsFromSettings(snapshot.context.settings).heartbeat.timeout; // 1000
 * timingsFromSettings(null).fromDefaults; // true
 * ```
 */
export function timingsFromSettings(settings: unknown): DiagramTimings {
  const given = isObject(settings) ? settings : {};
  const heartbeat = isObject(given.heartbeat) ? given.heartbeat : {};
  const reconnect = isObject(given.reconnect) ? given.reconnect : {};
  const d = DEFAULT_SETTINGS;
  const num = (value: unknown, fallback: number): number => (typeof value === 'number' && !Number.isNaN(value) ? value : fallback);
  const bool = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);
  return {
    heartbeat: {
      enabled: bool(heartbeat.enabled, d.heartbeat.enabled),
      interval: num(heartbeat.interval, d.heartbeat.interval),
      timeout: num(heartbeat.timeout, d.heartbeat.timeout),
    },
    reconnect: {
      enabled: bool(reconnect.enabled, d.reconnect.enabled),
      delay: num(reconnect.delay, d.reconnect.delay),
      factor: num(reconnect.factor, d.reconnect.factor),
      maxDelay: num(reconnect.maxDelay, d.reconnect.maxDelay),
      jitter: num(reconnect.jitter, d.reconnect.jitter),
      // JSON.stringify(Infinity) is null.
      maxRetries: reconnect.maxRetries === null ? Infinity : num(reconnect.maxRetries, d.reconnect.maxRetries),
      minUptime: num(reconnect.minUptime, d.reconnect.minUptime),
    },
    connectTimeout: num(given.connectTimeout, d.connectTimeout),
    closeTimeout: num(given.closeTimeout, d.closeTimeout),
    startClosed: bool(given.startClosed, d.startClosed),
    fromDefaults: !isObject(settings),
  };
}

/** The defaults, for diagrams drawn without a socket. */
const DEFAULT_TIMINGS: DiagramTimings = timingsFromSettings(null);

/** A delay's value under these timings: the option `SOCKET_DELAYS` names, read from the timings. */
function delayMs(name: string, fallback: number, timings: DiagramTimings): number {
  const option = SOCKET_DELAYS[name]?.option;
  if (option === undefined) return fallback;
  let value: unknown = timings;
  for (const key of option.split('.')) value = isObject(value) ? value[key] : undefined;
  return typeof value === 'number' ? value : fallback;
}

const ms = (value: number): string => `${value} ms`;

/**
 * The retry wait in words: it varies per attempt (`reconnect.delay × factor^(n−1)`, capped at
 * `maxDelay`, shortened by up to `jitter`).
 *
 * @example
 * ```ts
 * describeRetryDelay({ delay: 1000, factor: 2, maxDelay: 8000, jitter: 0 }); // '1000 ms, ×2 each retry, ≤ 8000 ms'
 * ```
 */
export function describeRetryDelay(reconnect: Pick<DiagramTimings['reconnect'], 'delay' | 'factor' | 'maxDelay' | 'jitter'>): string {
  const parts = [ms(Math.min(reconnect.delay, reconnect.maxDelay))];
  if (reconnect.factor !== 1 && reconnect.delay < reconnect.maxDelay) {
    parts.push(`×${reconnect.factor} each retry`, `≤ ${ms(reconnect.maxDelay)}`);
  }
  let text = parts.join(', ');
  if (reconnect.jitter > 0) text += ` (−${Math.round(reconnect.jitter * 100)}% jitter)`;
  return text;
}

/** Event types in words. A type missing here makes the readable diagrams throw. */
export const EVENT_WORDS: Readonly<Record<string, string>> = {
  'SOCKET.OPEN': 'socket opened',
  'SOCKET.CLOSE': 'socket closed',
  'SOCKET.ERROR': 'socket error',
  'SOCKET.INVALID': 'invalid url or protocols',
  'CALLBACK.THREW': 'a callback threw',
  'PEER.HEARD': 'peer heard',
  'NETWORK.OFFLINE': 'network offline',
  'NETWORK.ONLINE': 'network online',
  CLOSE: 'close()',
  RECONNECT: 'reconnect()',
  SEND: 'send()',
};

/** Guards in words: when it holds, and when it does not (an `[else]` after it alone). */
export const GUARD_WORDS: Readonly<Record<string, { readonly yes: string; readonly no: string }>> = {
  mayReconnect: { yes: 'retry allowed', no: 'no retry' },
  heartbeatIsOff: { yes: 'heartbeat off', no: 'heartbeat on' },
  peerWasHeardWithinInterval: { yes: 'peer heard meanwhile', no: 'peer silent' },
  pongTimerFiredLate: { yes: 'timer fired late', no: 'timer on time' },
  noSocketYet: { yes: 'no socket yet', no: 'socket exists' },
  startsClosed: { yes: 'startClosed', no: 'not startClosed' },
  hostIsOffline: { yes: 'host offline', no: 'host online' },
};

/** The machine's delays in words, with the timings' values. A delay missing here makes the readable diagrams throw. */
export const DELAY_WORDS: Readonly<Record<string, (timings: DiagramTimings) => string>> = {
  heartbeatInterval: (t) => (t.heartbeat.enabled ? `silent ${ms(t.heartbeat.interval)}` : 'never (heartbeat off)'),
  pongTimeout: (t) => (t.heartbeat.enabled ? `no pong in ${ms(t.heartbeat.timeout)}` : 'never (heartbeat off)'),
  pendingInput: () => 'next event-loop turn',
  reconnectDelay: (t) => `retry after ${describeRetryDelay(t.reconnect)}`,
  connectTimeout: (t) => `no open in ${ms(t.connectTimeout)}`,
  closeTimeout: (t) => `no close in ${ms(t.closeTimeout)}`,
  minUptime: (t) => `open ${ms(t.reconnect.minUptime)}`,
};

/**
 * What actions do, for the few a reader needs ("sends a ping"); `null`: not shown. Every action of
 * the machine is listed, so a new one makes the readable diagrams throw until it is decided here.
 */
export const ACTION_WORDS: Readonly<Record<string, string | null>> = {
  flushQueue: 'sends what was queued',
  transmit: null,
  discardQueue: 'hands back what was queued',
  refuseSend: null,
  sendPing: 'sends a ping',
  notePingSent: null,
  closeSocketAsAsked: null,
  closeSocketForSilence: 'closes with 4000',
  letSocketGo: null,
  announceOpen: null,
  announceError: 'reports an error',
  reportClose: null,
  scheduleRetry: null,
  startAfresh: 'retry count reset',
};

/** The flat states' one-line descriptions (the six names of `stateNameOf`). */
export const FLAT_STATE_WORDS = {
  connecting: 'opening handshake',
  open: 'messages flow',
  awaitingPong: 'ping sent, waiting',
  closing: 'closing handshake',
  reconnectWait: 'waiting to retry',
  closed: 'no socket',
} as const;

export type FlatStateName = keyof typeof FLAT_STATE_WORDS;

function lookup<T>(dictionary: Readonly<Record<string, T>>, name: string, what: string, where: string): T {
  if (!Object.prototype.hasOwnProperty.call(dictionary, name)) {
    throw new Error(
      `visualizations: the machine has ${what} "${name}" that ${where} (visualizations/diagram.ts) does not describe; ` +
        'add its wording there.',
    );
  }
  return dictionary[name]!;
}

/** The trigger of a transition in words: the event, the timer with its real duration, or `always`. */
export function readableTrigger(transition: TransitionInfo, timings: DiagramTimings = DEFAULT_TIMINGS): string {
  if (transition.delay !== null) {
    if (transition.delay.name === null) return `after ${ms(transition.delay.defaultMs)}`;
    return lookup(DELAY_WORDS, transition.delay.name, 'a delay', 'DELAY_WORDS')(timings);
  }
  if (transition.eventType === '') return 'at once';
  return lookup(EVENT_WORDS, transition.eventType, 'an event', 'EVENT_WORDS');
}

/** The guards of the transitions before this one for the same event from the same state. */
function guardsBefore(transition: TransitionInfo, model: MachineModel): string[] {
  const guards: string[] = [];
  for (const other of model.transitions) {
    if (other.id === transition.id) break;
    if (other.source === transition.source && other.eventType === transition.eventType && other.guard !== null) guards.push(other.guard);
  }
  return guards;
}

/** The condition in words, without brackets; `null` when there is none. */
export function readableCondition(transition: TransitionInfo, model: MachineModel): string | null {
  if (transition.guard !== null) {
    const negated = transition.guard.startsWith('!');
    const words = lookup(GUARD_WORDS, negated ? transition.guard.slice(1) : transition.guard, 'a guard', 'GUARD_WORDS');
    return negated ? words.no : words.yes;
  }
  if (!transition.isElse) return null;
  const before = guardsBefore(transition, model);
  if (before.length === 1 && !before[0]!.startsWith('!')) return lookup(GUARD_WORDS, before[0]!, 'a guard', 'GUARD_WORDS').no;
  return 'otherwise';
}

/** What a transition's actions do, in words, for those {@link ACTION_WORDS} shows. */
function actionWords(actions: readonly string[]): string[] {
  return actions.map((action) => lookup(ACTION_WORDS, action, 'an action', 'ACTION_WORDS')).filter((words) => words !== null);
}

/**
 * A transition's label in words with the socket's timings: "no pong in 1000 ms", "socket closed
 * [retry allowed]"; a targetless one adds what it does ("open 5000 ms / retry count reset").
 */
export function readableLabel(transition: TransitionInfo, model: MachineModel, timings: DiagramTimings = DEFAULT_TIMINGS): string {
  const condition = readableCondition(transition, model);
  let label = readableTrigger(transition, timings) + (condition === null ? '' : ` [${condition}]`);
  if (transition.targets.length === 0) {
    const effects = actionWords(transition.actions);
    if (effects.length > 0) label += ` / ${effects.join(', ')}`;
  }
  return label;
}

/**
 * Checks that the dictionaries describe every event, guard, delay and action of the model, and
 * throws naming the first that is missing: a view that leaves some out must still not drift.
 */
export function assertWording(model: MachineModel): void {
  for (const state of model.states) actionWords([...state.entry, ...state.exit]);
  for (const transition of model.transitions) {
    readableLabel(transition, model);
    actionWords(transition.actions);
  }
}

/** The machine's own label, with a timer's value from the timings instead of its default. */
function technicalLabel(transition: TransitionInfo, timings: DiagramTimings): string {
  const delay = transition.delay;
  if (delay === null || delay.name === null) return transition.label;
  const trigger = `after ${delay.name} (${ms(delayMs(delay.name, delay.defaultMs, timings))})`;
  return trigger + transition.label.slice(transition.trigger.length);
}

/** What a state shows inside its box, in words: what its entry does, its targetless transitions. */
function readableInternalLines(state: StateInfo, model: MachineModel, timings: DiagramTimings): string[] {
  return [
    ...actionWords(state.entry).map((words) => `on entry: ${words}`),
    ...actionWords(state.exit).map((words) => `on exit: ${words}`),
    ...model.transitions
      .filter((t) => t.source === state.id && t.targets.length === 0)
      .filter((t) => t.actions.length === 0 || actionWords(t.actions).length > 0)
      .map((t) => readableLabel(t, model, timings)),
  ];
}

// ---------------------------------------------------------------------------------------------
// The flat view: six states
// ---------------------------------------------------------------------------------------------

/** An arrow of the flat view: the model transitions it stands for, and its label's lines. */
export interface FlatEdge {
  /** `flat-edge-<n>`, also its id in the SVG. */
  readonly id: string;
  /** A flat state, or `null` for the initial point. */
  readonly source: FlatStateName | null;
  readonly target: FlatStateName;
  /** Model transition ids (`t5`, …), in model order. */
  readonly transitions: readonly string[];
  readonly lines: readonly string[];
  /** Every transition it stands for is a timer (drawn dashed). */
  readonly timer: boolean;
}

/**
 * A transition of a state that spans most of the six (`live`: every state with a socket), written
 * once beside the chart rather than as an arrow from each: "reconnect() → connecting, from …".
 */
export interface FlatNote {
  /** `flat-note-<n>`, also its id in the SVG. */
  readonly id: string;
  readonly transitions: readonly string[];
  readonly lines: readonly string[];
}

/** The six-state view as data: what `toFlatDot` draws and what a page needs to drive it. */
export interface FlatModel {
  readonly states: readonly { readonly name: FlatStateName; readonly svgId: string; readonly description: string }[];
  readonly edges: readonly FlatEdge[];
  readonly notes: readonly FlatNote[];
  /** Model transition id → the flat edges (or notes) that stand for it (none: it stays within a flat state). */
  readonly edgesOfTransition: Readonly<Record<string, readonly string[]>>;
  /** Model state id → its flat state (`null` for `start` and the compound states above the six). */
  readonly flatOfState: Readonly<Record<string, FlatStateName | null>>;
  readonly timings: DiagramTimings;
}

export const FLAT_STATES: readonly FlatStateName[] = ['connecting', 'open', 'awaitingPong', 'closing', 'reconnectWait', 'closed'];

/** The flat name of a model state id, by `stateNameOf`; `null` for the states above the six. */
export function flatNameOf(stateId: string): FlatStateName | null {
  const path = stateId.split('.').slice(1);
  if (path.length === 0) return null;
  let value: string | Record<string, unknown> = path.at(-1)!;
  for (let index = path.length - 2; index >= 0; index -= 1) value = { [path[index]!]: value };
  try {
    return stateNameOf({ value: value as never });
  } catch {
    return null;
  }
}

const WRAP = 34;
/** The reconnect policy's guard: its "no" branches are one note in the flat view. */
const RETRY_GUARD = 'mayReconnect';
/** A state containing this many flat states or more has its transitions written as notes. */
const WIDE = 3;

/** A comma-separated list wrapped at commas. */
function wrapList(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of text.split(', ')) {
    const next = line === '' ? part : `${line}, ${part}`;
    if (next.length > WRAP && line !== '') {
      lines.push(`${line},`);
      line = `    ${part}`;
    } else line = next;
  }
  lines.push(line);
  return lines;
}

/** Triggers joined with " · " and wrapped; the condition follows a one-line group, heads a longer one. */
function wrapGroup(triggers: readonly string[], condition: string | null): string[] {
  const lines: string[] = [];
  let line = '';
  // A trigger too long for a line (the retry wait with its backoff) breaks at its commas.
  const pieces = triggers.flatMap((trigger) => (trigger.length > WRAP ? wrapList(trigger) : [trigger]));
  for (const trigger of pieces) {
    if (line === '') line = trigger;
    else if (line.length + 3 + trigger.length <= WRAP) line += ` · ${trigger}`;
    else {
      lines.push(line);
      line = trigger;
    }
  }
  if (line !== '') lines.push(line);
  if (condition === null) return lines;
  if (lines.length === 0) return [`[${condition}]`];
  if (lines.length === 1 && lines[0]!.length + condition.length + 3 <= WRAP) return [`${lines[0]!} [${condition}]`];
  return [`if ${condition}:`, ...lines];
}

/**
 * The six-state view: each model transition projected onto the flat states it leaves and enters.
 *
 * - A transition of a compound state applies to every atomic state inside it whose own states do
 *   not handle the event first (XState's rule: the deepest handler wins; a guarded set that may
 *   all fail lets its ancestors' handlers through). `live`'s `NETWORK.OFFLINE` so leaves
 *   connecting, open and awaitingPong; `closing.final` and `closing.deadPeer` have their own.
 * - A compound target means its initial leaf (`running` is `connecting`).
 * - Transitions of a state holding three or more flat states (`live`, `running`) are notes beside
 *   the chart ({@link FlatNote}: "reconnect() → connecting, from connecting, open, …") rather than
 *   an arrow from each state. The reconnect policy's "no" (`[else]` after `mayReconnect`) is one
 *   note too: every arrow to reconnectWait has a twin to closed, drawn once in words.
 * - Transitions that stay within a flat state are left out, except those an outside event makes
 *   re-enter it: timers between substates, and the substates themselves, are the full chart's.
 * - The initial arrow goes where these settings start: `closed` with `startClosed`, else
 *   `connecting` (the host's offline signal is known only at run time; the full chart has it).
 * - A zero-delay read of pending input (`pendingInput`) is labelled with the timer that led to it.
 * - A condition is shown only where it picks between two flat states, not where its alternatives
 *   stay in the state.
 * - Arrows with the same ends are one arrow; its label has a line per condition, wrapped.
 */
export function flatModel(model: MachineModel, timings: DiagramTimings = DEFAULT_TIMINGS): FlatModel {
  assertWording(model);
  const byId = new Map(model.states.map((state) => [state.id, state]));
  const leafOf = (id: string): string => {
    let state = byId.get(id)!;
    while (state.initial !== null) state = byId.get(state.initial)!;
    return state.id;
  };
  const flatOfState: Record<string, FlatStateName | null> = {};
  for (const state of model.states) flatOfState[state.id] = flatNameOf(state.id);
  const flatTarget = (transition: TransitionInfo): FlatStateName | null =>
    transition.targets.length === 0 ? null : flatOfState[leafOf(transition.targets[0]!)]!;

  const bySource = new Map<string, TransitionInfo[]>();
  for (const transition of model.transitions) {
    const list = bySource.get(transition.source) ?? [];
    list.push(transition);
    bySource.set(transition.source, list);
  }

  // Which transitions each atomic state is subject to, from the deepest handler up. The initial
  // choice (`start`) is drawn as the one arrow these settings take: `startClosed` or not (the
  // host's offline signal is known only when running; the full chart shows that branch).
  const applies: { from: FlatStateName | null; leaf: string; transition: TransitionInfo }[] = [];
  const start = model.states.find((state) => state.parent === model.id && flatOfState[state.id] === null && state.children.length === 0);
  const startTransitions = model.transitions.filter((transition) => transition.source === start?.id);
  const startChoice =
    startTransitions.find((transition) => transition.guard === 'startsClosed' && timings.startClosed) ??
    startTransitions.find((transition) => transition.guard === null);
  if (startChoice !== undefined) applies.push({ from: null, leaf: startChoice.source, transition: startChoice });
  for (const leaf of model.states.filter((state) => state.children.length === 0 && state.id !== start?.id)) {
    const from = flatOfState[leaf.id]!;
    const decided = new Set<string>();
    for (let at: StateInfo | undefined = leaf; at !== undefined; at = at.parent === null ? undefined : byId.get(at.parent)) {
      const handledHere = new Set<string>();
      for (const transition of bySource.get(at.id) ?? []) {
        if (decided.has(transition.eventType)) continue;
        applies.push({ from, leaf: leaf.id, transition });
        if (transition.guard === null) handledHere.add(transition.eventType);
      }
      for (const type of handledHere) decided.add(type);
    }
  }

  /** The flat states other than its own that a (source, event) group can lead to. */
  const outcomes = (source: string, eventType: string, from: FlatStateName | null): Set<FlatStateName> => {
    const set = new Set<FlatStateName>();
    for (const other of bySource.get(source) ?? []) {
      if (other.eventType !== eventType) continue;
      const to = flatTarget(other);
      if (to !== null && to !== from) set.add(to);
    }
    return set;
  };

  /** The timer behind a zero-delay read: the delayed transition that entered its source. */
  const triggerOf = (transition: TransitionInfo, seen = new Set<string>()): string => {
    if (transition.delay?.name === 'pendingInput' && !seen.has(transition.id)) {
      seen.add(transition.id);
      const entering = model.transitions.find((other) => other.targets.includes(transition.source) && other.delay !== null);
      if (entering !== undefined) return triggerOf(entering, seen);
    }
    return readableTrigger(transition, timings);
  };

  interface Pending {
    source: FlatStateName | null;
    target: FlatStateName;
    transitions: TransitionInfo[];
  }
  // Transitions of a state that spans most of the flat states (`live`, `running`) would add an
  // arrow from each of them: they are notes beside the chart instead, naming the states they leave.
  const flatInside = (id: string): Set<FlatStateName> => {
    const found = new Set<FlatStateName>();
    const visit = (stateId: string): void => {
      const flatName = flatOfState[stateId];
      if (flatName !== null && flatName !== undefined) found.add(flatName);
      for (const child of byId.get(stateId)!.children) visit(child);
    };
    visit(id);
    return found;
  };
  const isWide = (transition: TransitionInfo): boolean => flatInside(transition.source).size >= WIDE;
  // The reconnect policy's "no" (`[else]` after `mayReconnect`) mirrors every arrow to
  // reconnectWait with one to closed: said once, in a note, rather than doubling those arrows.
  const isRetryElse = (transition: TransitionInfo): boolean => {
    if (!transition.isElse) return false;
    const before = guardsBefore(transition, model);
    return before.length === 1 && before[0] === RETRY_GUARD;
  };
  const retryElse: TransitionInfo[] = [];
  const noteSources = new Map<string, FlatStateName[]>();
  const pending = new Map<string, Pending>();
  for (const { from, transition } of applies) {
    const to = flatTarget(transition);
    if (to === null) continue;
    if (isRetryElse(transition)) {
      if (!retryElse.includes(transition)) retryElse.push(transition);
      continue;
    }
    if (isWide(transition) && from !== null) {
      const key = `${transition.source} ${transition.eventType}`;
      const list = noteSources.get(key) ?? [];
      if (!list.includes(from)) list.push(from);
      noteSources.set(key, list);
      continue;
    }
    if (from === to) {
      const isTimer = transition.delay !== null || transition.eventType === '';
      if (isTimer || !transition.reenter) continue;
    }
    const key = `${from ?? ''}->${to}`;
    const entry = pending.get(key) ?? { source: from, target: to, transitions: [] };
    if (!entry.transitions.includes(transition)) entry.transitions.push(transition);
    pending.set(key, entry);
  }

  const pairs: { source: FlatStateName | null; target: FlatStateName; transitions: TransitionInfo[]; lines: string[] }[] = [];
  for (const entry of pending.values()) {
    const sorted = [...entry.transitions].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
    // Lines grouped by condition, in the order the conditions first appear.
    const groups = new Map<string, string[]>();
    for (const transition of sorted) {
      const picks = outcomes(transition.source, transition.eventType, entry.source).size > 1;
      const said = picks && transition.guard !== RETRY_GUARD ? readableCondition(transition, model) : null;
      const condition = transition.eventType === '' && said === 'otherwise' ? null : said;
      const list = groups.get(condition ?? '') ?? [];
      // The initial choice happens at once: its condition is all there is to say.
      if (transition.eventType !== '') {
        const trigger = triggerOf(transition);
        if (!list.includes(trigger)) list.push(trigger);
      }
      groups.set(condition ?? '', list);
    }
    // What happens whatever the condition needs no conditional line of its own.
    const always = new Set(groups.get('') ?? []);
    const lines = [...groups]
      .sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : 0))
      .flatMap(([condition, triggers]) =>
        condition === ''
          ? wrapGroup(triggers, null)
          : triggers.length > 0 && triggers.every((trigger) => always.has(trigger))
            ? []
            : wrapGroup(triggers.filter((trigger) => !always.has(trigger)), condition),
      );
    pairs.push({ source: entry.source, target: entry.target, transitions: sorted, lines });
  }

  const edges: FlatEdge[] = [];
  const edgesOfTransition: Record<string, string[]> = {};
  for (const transition of model.transitions) edgesOfTransition[transition.id] = [];
  for (const pair of pairs) {
    const id = `flat-edge-${edges.length}`;
    for (const transition of pair.transitions) edgesOfTransition[transition.id]!.push(id);
    edges.push({
      id,
      source: pair.source,
      target: pair.target,
      transitions: pair.transitions.map((transition) => transition.id),
      lines: pair.lines,
      timer: pair.transitions.every((transition) => transition.delay !== null),
    });
  }
  const notes: FlatNote[] = [];
  for (const [key, sources] of noteSources) {
    const group = model.transitions.filter(
      (transition) =>
        `${transition.source} ${transition.eventType}` === key && transition.targets.length > 0 && !isRetryElse(transition),
    );
    const id = `flat-note-${notes.length}`;
    const targets = new Map<FlatStateName, string | null>();
    for (const transition of group) {
      const to = flatTarget(transition)!;
      if (!targets.has(to)) targets.set(to, readableCondition(transition, model));
    }
    const where = [...targets.keys()];
    for (const transition of group) edgesOfTransition[transition.id]!.push(id);
    notes.push({
      id,
      transitions: group.map((transition) => transition.id),
      lines: [`${triggerOf(group[0]!)} → ${where.join(' or ')}`, ...wrapList(`  from ${sources.join(', ')}`)],
    });
  }
  if (retryElse.length > 0) {
    const id = `flat-note-${notes.length}`;
    retryElse.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
    for (const transition of retryElse) edgesOfTransition[transition.id]!.push(id);
    const words = lookup(GUARD_WORDS, RETRY_GUARD, 'a guard', 'GUARD_WORDS');
    notes.push({
      id,
      transitions: retryElse.map((transition) => transition.id),
      lines: [`→ reconnectWait only if ${words.yes};`, `  if ${words.no}: → closed instead`],
    });
  }
  return {
    states: FLAT_STATES.map((name) => ({ name, svgId: `flat-state-${name}`, description: FLAT_STATE_WORDS[name] })),
    edges,
    notes,
    edgesOfTransition,
    flatOfState,
    timings,
  };
}

/** Options of {@link toFlatDot}. */
export interface FlatDotOptions {
  readonly timings?: DiagramTimings;
  readonly labelSize?: LabelMeasure;
}

/** Font sizes of the flat view: larger than the full chart's, it has room. */
export const FLAT_FONT = { name: 14, description: 12, edge: 12 } as const;

/**
 * Graphviz for the six-state view ({@link flatModel}). Ids: `flat-state-<name>` for the states,
 * `flat-edge-<n>` for the arrows, `flat-initial` for the initial point.
 */
export function toFlatDot(model: MachineModel, options: FlatDotOptions = {}): string {
  const flat = flatModel(model, options.timings);
  const measure = options.labelSize;
  const out: string[] = [
    `digraph ${dotString(`${model.id}-flat`)} {`,
    `  graph [fontname=${dotString(FONT)}, nodesep=0.3, ranksep=0.45, pad=0.15, bgcolor="white", newrank=true];`,
    `  node [fontname=${dotString(FONT)}, shape=box, style="rounded,filled", fillcolor="white", color="#4b5563", penwidth=1.4, margin="0.16,0.08"];`,
    `  edge [fontname=${dotString(FONT)}, color="#4b5563", fontcolor="#1f2937", arrowsize=0.8];`,
    `  "flat-initial" [id="flat-initial", shape=point, width=0.12, style=filled, color="#111827", fillcolor="#111827", label=""];`,
  ];
  for (const state of flat.states) {
    const label = htmlLines(
      [
        { text: state.name, fontSize: FLAT_FONT.name, bold: true },
        { text: state.description, fontSize: FLAT_FONT.description, color: '#4b5563' },
      ],
      measure,
    );
    out.push(`  ${dotString(state.name)} [id=${dotString(state.svgId)}, label=${label}];`);
  }
  for (const edge of flat.edges) {
    const label =
      edge.lines.length === 0 ? '""' : htmlLines(edge.lines.map((text) => ({ text, fontSize: FLAT_FONT.edge })), measure);
    const style = edge.timer ? ', style="dashed"' : '';
    const from = edge.source ?? 'flat-initial';
    out.push(`  ${dotString(from)} -> ${dotString(edge.target)} [id=${dotString(edge.id)}, label=${label}${style}];`);
  }
  // Where an attempt leads (open, reconnectWait, closed) side by side under connecting: the chart
  // is then wider than tall, as the panel is, instead of looping round from the bottom.
  out.push('  { rank=same; "open"; "reconnectWait"; "closed" }');
  if (flat.notes.length > 0) {
    const rows: string[] = [];
    const cell = (text: string, bold: boolean, id: string | null): string => {
      let content = html(text);
      if (bold) content = `<B>${content}</B>`;
      const size = measure?.(text, { fontSize: FLAT_FONT.edge, bold });
      const fixed = size === undefined ? '' : ` FIXEDSIZE="TRUE" WIDTH="${Math.ceil(size.width) + 1}" HEIGHT="${Math.ceil(size.height)}"`;
      const idAttr = id === null ? '' : ` ID="${id}"`;
      return `<TR><TD${fixed} ALIGN="LEFT"${idAttr}><FONT POINT-SIZE="${FLAT_FONT.edge}">${content}</FONT></TD></TR>`;
    };
    rows.push(cell('Also:', true, null));
    for (const note of flat.notes) note.lines.forEach((line, index) => rows.push(cell(line, false, `${note.id}-${index}`)));
    out.push(
      `  "flat-notes" [id="flat-notes", shape=box, style="rounded,dashed", color="#9ca3af", margin="0.12,0.08", ` +
        `label=<<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0">${rows.join('')}</TABLE>>];`,
    );
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
