/**
 * The live view's model of what it was told: sessions (one per root actor, i.e. per socket), the
 * current state of the one shown, and its log. It reads inspection events in heartsocket's
 * JSON form (`toLiveViewEvent`, also what `createLiveViewInspector` sends) and in the Stately
 * inspector's (`createWebSocketInspector` from `@statelyai/inspect`), and drives the generated SVG
 * through the element ids in `socket-machine.json`.
 */
import { stateNameOf } from '../../machine/stateName.js';
import type { MachineModel, TransitionInfo } from '../diagram.js';

/** An inspection event as it arrives: heartsocket's or Stately's JSON, checked loosely. */
export interface IncomingEvent {
  type: string;
  sessionId: string;
  rootId?: string | undefined;
  createdAt?: string | number | undefined;
  name?: string;
  parentId?: string | undefined;
  sourceId?: string | undefined;
  event?: { type: string; [key: string]: unknown };
  snapshot?: { status?: string; value?: unknown; context?: unknown };
  transitions?: { source: string; targets: string[]; eventType: string }[];
}

export type LogKind = 'info' | 'event' | 'command' | 'transition' | 'state' | 'message';

interface LogEntry {
  at: number;
  kind: LogKind;
  text: string;
  state?: string;
}

interface Session {
  readonly rootId: string;
  readonly label: string;
  readonly actors: Map<string, string>;
  readonly log: LogEntry[];
  value: unknown;
  state: string | null;
  context: unknown;
  /** Whether this source sends `@xstate.microstep` (heartsocket's form does, Stately's does not). */
  microsteps: boolean;
}

export interface ViewElements {
  diagram: HTMLElement;
  badge: HTMLElement;
  value: HTMLElement;
  context: HTMLElement;
  log: HTMLOListElement;
  sessions: HTMLSelectElement;
}

const MAX_LOG = 1000;

const two = (n: number): string => String(n).padStart(2, '0');
function clock(ms: number): string {
  const date = new Date(ms);
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Accepts what looks like an inspection event; anything else is ignored. */
export function asIncoming(value: unknown): IncomingEvent | null {
  if (!isRecord(value) || typeof value.type !== 'string' || typeof value.sessionId !== 'string') return null;
  if (!value.type.startsWith('@xstate.')) return null;
  return value as unknown as IncomingEvent;
}

/** A transition as the log shows it: like the diagram's label, without the default delays. */
function logLabel(transition: TransitionInfo): string {
  const trigger = transition.delay?.name ? `after ${transition.delay.name}` : transition.trigger;
  const condition = transition.guard !== null ? ` [${transition.guard}]` : transition.isElse ? ' [else]' : '';
  const effect = transition.targets.length === 0 && transition.actions.length > 0 ? ` / ${transition.actions.join(', ')}` : '';
  return `${trigger}${condition}${effect}`;
}

export class LiveView {
  readonly #model: MachineModel;
  readonly #els: ViewElements;
  readonly #sessions = new Map<string, Session>();
  readonly #transitionsBySource = new Map<string, TransitionInfo[]>();
  readonly #svgIdOf = new Map<string, string>();
  #shown: Session | null = null;
  /** The user picked a session: do not switch to newer ones by ourselves. */
  #pinned = false;
  #active: Element[] = [];
  #taken: Element[] = [];

  constructor(model: MachineModel, svg: string, elements: ViewElements) {
    this.#model = model;
    this.#els = elements;
    for (const state of model.states) this.#svgIdOf.set(state.id, state.svgId);
    for (const transition of model.transitions) {
      const list = this.#transitionsBySource.get(transition.source) ?? [];
      list.push(transition);
      this.#transitionsBySource.set(transition.source, list);
    }
    elements.diagram.innerHTML = svg.slice(svg.indexOf('<svg'));
    elements.sessions.addEventListener('change', () => {
      const session = this.#sessions.get(elements.sessions.value);
      if (session === undefined) return;
      this.#pinned = true;
      this.#show(session);
    });
  }

  /** One inspection event from `source` ('page' or 'relay'). */
  receive(event: IncomingEvent, source: string): void {
    const rootId = event.rootId ?? event.sessionId;
    const at = Number(event.createdAt ?? Date.now()) || Date.now();
    let session = this.#sessions.get(rootId);
    if (session === undefined) {
      if (event.type !== '@xstate.actor' && event.type !== '@xstate.snapshot') return;
      session = this.#addSession(rootId, source);
    }
    switch (event.type) {
      case '@xstate.actor':
        session.actors.set(event.sessionId, event.name ?? event.sessionId);
        if (event.sessionId === rootId) this.#append(session, { at, kind: 'info', text: `actor started (${source})` });
        break;
      case '@xstate.event':
        this.#onEvent(session, event, at);
        break;
      case '@xstate.microstep':
        session.microsteps = true;
        if (event.sessionId === rootId) this.#onMicrostep(session, event, at);
        break;
      case '@xstate.snapshot':
        if (event.sessionId === rootId) this.#onSnapshot(session, event, at);
        break;
    }
  }

  /** A line in the log of the socket shown (e.g. an incoming message, which is no machine event). */
  note(rootId: string, kind: LogKind, text: string): void {
    const session = this.#sessions.get(rootId);
    if (session !== undefined) this.#append(session, { at: Date.now(), kind, text });
  }

  clearLog(): void {
    if (this.#shown === null) return;
    this.#shown.log.length = 0;
    this.#els.log.replaceChildren();
  }

  #addSession(rootId: string, source: string): Session {
    const label = `#${this.#sessions.size + 1} (${source === 'page' ? 'this page' : 'relay'})`;
    const session: Session = {
      rootId,
      label,
      actors: new Map(),
      log: [],
      value: undefined,
      state: null,
      context: undefined,
      microsteps: false,
    };
    this.#sessions.set(rootId, session);
    const option = document.createElement('option');
    option.value = rootId;
    option.textContent = label;
    this.#els.sessions.append(option);
    if (!this.#pinned || this.#shown === null) this.#show(session);
    return session;
  }

  #show(session: Session): void {
    this.#shown = session;
    this.#els.sessions.value = session.rootId;
    this.#els.log.replaceChildren(...session.log.map((entry, index) => this.#row(entry, session.log[index - 1])));
    this.#els.log.scrollTop = this.#els.log.scrollHeight;
    this.#highlight(session);
    this.#flash([]);
  }

  #describeEvent(event: NonNullable<IncomingEvent['event']>): string {
    const { type, ...data } = event;
    const after = /^xstate\.after\.([^.]+)\./.exec(type);
    if (after !== null) return `after ${after[1]}`;
    if (type === 'xstate.init') return 'start';
    const fields = Object.entries(data)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)}`)
      .join(', ');
    return fields === '' ? type : `${type} {${fields.length > 120 ? `${fields.slice(0, 120)}…` : fields}}`;
  }

  #onEvent(session: Session, event: IncomingEvent, at: number): void {
    if (event.event === undefined) return;
    const text = this.#describeEvent(event.event);
    if (event.sessionId === session.rootId) {
      const from = event.sourceId !== undefined ? session.actors.get(event.sourceId) : undefined;
      const sender = from !== undefined && event.sourceId !== session.rootId ? `${from} ▸ ` : '';
      this.#append(session, { at, kind: 'event', text: `${sender}${text}` });
    } else {
      const to = session.actors.get(event.sessionId) ?? 'child';
      this.#append(session, { at, kind: 'command', text: `▸ ${to}: ${text}` });
    }
  }

  #keyOf(id: string): string {
    return id.slice(id.lastIndexOf('.') + 1);
  }

  #onMicrostep(session: Session, event: IncomingEvent, at: number): void {
    const taken: string[] = [];
    for (const step of event.transitions ?? []) {
      const known = (this.#transitionsBySource.get(step.source) ?? []).find(
        (t) => t.eventType === step.eventType && t.targets.join() === step.targets.join(),
      );
      const label = known !== undefined ? logLabel(known) : this.#describeEvent({ type: step.eventType });
      const text =
        step.targets.length === 0
          ? `${this.#keyOf(step.source)}: ${label}`
          : `${this.#keyOf(step.source)} → ${step.targets.map((t) => this.#keyOf(t)).join(', ')} · ${label}`;
      this.#append(session, { at, kind: 'transition', text });
      if (known !== undefined && step.targets.length > 0) taken.push(...known.svgIds);
    }
    if (session === this.#shown && taken.length > 0) this.#flash(taken);
  }

  #onSnapshot(session: Session, event: IncomingEvent, at: number): void {
    const snapshot = event.snapshot;
    if (snapshot === undefined || snapshot.value === undefined) return;
    const previous = session.state;
    session.value = snapshot.value;
    session.context = snapshot.context;
    let state: string;
    try {
      state = stateNameOf({ value: snapshot.value as never });
    } catch {
      state = JSON.stringify(snapshot.value);
    }
    if (snapshot.status === 'stopped' && state === previous) return;
    if (state !== previous) {
      session.state = state;
      if (!session.microsteps && previous !== null) {
        this.#append(session, { at, kind: 'transition', text: `${previous} → ${state}` });
      }
      this.#append(session, { at, kind: 'state', text: state, state });
    }
    if (session === this.#shown) this.#highlight(session);
  }

  /** The ids of the state nodes active in a state value, from the root down. */
  #activeIds(value: unknown): string[] {
    const ids = [this.#model.id];
    const walk = (prefix: string, at: unknown): void => {
      if (typeof at === 'string') {
        ids.push(`${prefix}.${at}`);
        return;
      }
      if (!isRecord(at)) return;
      for (const [key, sub] of Object.entries(at)) {
        ids.push(`${prefix}.${key}`);
        walk(`${prefix}.${key}`, sub);
      }
    };
    walk(this.#model.id, value);
    return ids;
  }

  #highlight(session: Session): void {
    for (const element of this.#active) element.classList.remove('active');
    this.#active = [];
    const ids = session.value === undefined ? [] : this.#activeIds(session.value);
    for (const id of ids) {
      const svgId = this.#svgIdOf.get(id);
      const element = svgId === undefined ? null : document.getElementById(svgId);
      if (element === null) continue;
      element.classList.add('active');
      this.#active.push(element);
    }
    const state = session.state ?? '';
    this.#els.diagram.dataset.state = state;
    this.#els.diagram.dataset.active = ids.at(-1) ?? '';
    document.body.dataset.state = state;
    this.#els.badge.dataset.state = state;
    this.#els.badge.textContent = state === '' ? '—' : state;
    this.#els.value.textContent = session.value === undefined ? '' : JSON.stringify(session.value);
    this.#els.context.textContent = this.#contextSummary(session.context);
  }

  #contextSummary(context: unknown): string {
    if (!isRecord(context)) return '';
    const parts: string[] = [];
    if (typeof context.retries === 'number') parts.push(`retries ${context.retries}`);
    if (typeof context.retryDelay === 'number' && context.retryDelay > 0) parts.push(`retry delay ${Math.round(context.retryDelay)} ms`);
    const close = context.lastClose;
    if (isRecord(close)) {
      const reason = typeof close.reason === 'string' && close.reason !== '' ? ` "${close.reason}"` : '';
      parts.push(`last close ${String(close.code)}${reason}`);
    }
    return parts.join(' · ');
  }

  #flash(svgIds: string[]): void {
    for (const element of this.#taken) element.classList.remove('taken');
    this.#taken = [];
    for (const id of svgIds) {
      const element = document.getElementById(id);
      if (element === null || !element.classList.contains('edge')) continue;
      element.classList.add('taken');
      this.#taken.push(element);
    }
  }

  #append(session: Session, entry: LogEntry): void {
    const previous = session.log.at(-1);
    session.log.push(entry);
    if (session.log.length > MAX_LOG) session.log.splice(0, session.log.length - MAX_LOG);
    if (session !== this.#shown) return;
    const log = this.#els.log;
    const following = log.scrollTop + log.clientHeight >= log.scrollHeight - 24;
    log.append(this.#row(entry, previous));
    while (log.childElementCount > MAX_LOG) log.firstElementChild?.remove();
    if (following) log.scrollTop = log.scrollHeight;
  }

  #row(entry: LogEntry, previous: LogEntry | undefined): HTMLLIElement {
    const row = document.createElement('li');
    row.className = `kind-${entry.kind}`;
    row.dataset.kind = entry.kind;
    if (entry.state !== undefined) row.dataset.state = entry.state;
    const time = document.createElement('time');
    time.dateTime = new Date(entry.at).toISOString();
    time.textContent = clock(entry.at);
    const delta = document.createElement('span');
    delta.className = 'delta';
    delta.textContent = previous === undefined ? '' : `+${entry.at - previous.at} ms`;
    const kind = document.createElement('span');
    kind.className = 'kind';
    kind.textContent = entry.kind;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = entry.text;
    row.append(time, delta, kind, text);
    return row;
  }
}
