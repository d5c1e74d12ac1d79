/**
 * Diagrams generated from the machine's own definition (`machineModel.ts`: the state nodes,
 * transitions, `after` delays, guards, entry/exit actions and invoked actors that XState built
 * from `machine/socketMachine.ts`). Nothing here is drawn by hand, so a diagram cannot drift from
 * the code: `npm run viz` rewrites the files and `tests/visualizations/diagram.test.ts` fails when
 * the committed ones are stale.
 *
 * Every function is pure and deterministic (definition order, no clock, no randomness): the same
 * machine gives byte-identical output.
 *
 * - `describeMachine` (`machineModel.ts`): a JSON-safe model (`socket-machine.json`).
 * - {@link toMermaid}: Mermaid `stateDiagram-v2` (`socket-machine.mmd`, the README snippet).
 * - {@link toDot}: Graphviz (`socket-machine.dot`), rendered to SVG by {@link renderSvg}.
 * - {@link dotFromModel} with {@link DotOptions}: for the live view, the full chart in words
 *   (`diagramWords.ts`) with the watched socket's timings and the label sizes the page measured.
 *   The six-state view is `flatDiagram.ts`.
 *
 * The model and the wording are re-exported from here.
 */
import type { AnyStateMachine } from 'xstate';
import {
  assertWording,
  DEFAULT_TIMINGS,
  readableInternalLines,
  readableLabel,
  technicalLabel,
  type DiagramTimings,
} from './diagramWords.js';
import { describeMachine, type MachineModel, type StateInfo, type TransitionInfo } from './machineModel.js';

export * from './machineModel.js';
export * from './diagramWords.js';

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

const HEADER = 'Generated from machine/socketMachine.ts by `npm run viz` (visualizations/diagram/generate.ts). Do not edit.';

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

export const FONT = 'Helvetica';

export const dotString = (value: string): string =>
  `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
export const html = (value: string): string =>
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
export interface LabelLine {
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
export function htmlLines(lines: readonly LabelLine[], measure: LabelMeasure | undefined): string {
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
