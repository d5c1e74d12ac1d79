/**
 * The six-state view of the live view: every transition of the nested machine projected onto the
 * flat states (`connecting`, `open`, `awaitingPong`, `closing`, `reconnectWait`, `closed`), as
 * arrows or, for the ones that apply to several states at once, as notes beside the chart.
 */
import { dotString, FONT, html, htmlLines, type LabelMeasure } from './diagram.js';
import {
  assertWording,
  DEFAULT_TIMINGS,
  FLAT_STATE_WORDS,
  GUARD_WORDS,
  guardsBefore,
  lookup,
  readableCondition,
  readableTrigger,
  type DiagramTimings,
  type FlatStateName,
} from './diagramWords.js';
import type { MachineModel, StateInfo, TransitionInfo } from './machineModel.js';
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

/**
 * The flat state a model state belongs to: the one of the six tags that it, or the nearest of its
 * ancestors, carries (`awaitingPong.forPong` → `awaitingPong`); `null` for the states above the
 * six. Read from the tags, never from the keys, which a sub-state may share with one of the six.
 */
export function flatNameOf(model: MachineModel, stateId: string): FlatStateName | null {
  for (let state = model.states.find((s) => s.id === stateId); state !== undefined; ) {
    const name = state.tags.find((tag): tag is FlatStateName => (FLAT_STATES as readonly string[]).includes(tag));
    if (name !== undefined) return name;
    const parent = state.parent;
    state = parent === null ? undefined : model.states.find((s) => s.id === parent);
  }
  return null;
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
 *   connecting, open and awaitingPong; `closing.forGood` and `closing.deadPeer` have their own.
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
  for (const state of model.states) flatOfState[state.id] = flatNameOf(model, state.id);
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
  // Likewise the session handshake, taken only with `resume` (the guard `resumeIsOn`), which these
  // settings do not describe: the flat view draws the plain connection; the full chart shows it.
  const resumeOnly = new Set(model.transitions.filter((transition) => transition.guard === 'resumeIsOn').flatMap((t) => t.targets));
  const takenOnlyWithResume = (state: StateInfo): boolean =>
    resumeOnly.has(state.id) || (state.parent !== null && takenOnlyWithResume(byId.get(state.parent)!));
  for (const leaf of model.states.filter((state) => state.children.length === 0 && state.id !== start?.id)) {
    if (takenOnlyWithResume(leaf)) continue;
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
