/**
 * The live view: sessions (one per socket: per root actor), and for the one shown its state on
 * the diagram, the timer running and the peer's silence, traffic, last error and close, a
 * timeline of the last minutes with its outages, and the log. It reads heartsocket's JSON events
 * (`toLiveViewEvent`, `watchSocket`, what `createLiveViewInspector` sends) and the Stately
 * inspector's (`createWebSocketInspector` from `@statelyai/inspect`).
 */
import { stateNameOf } from '../../../machine/stateName.js';
import type { MachineModel, TransitionInfo } from '../../diagram/diagram.js';
import type { LiveViewSession, LiveViewTraffic } from '../../inspector/liveViewEvents.js';
import { describeResume, describeSettings, renderClocks, renderProblems, renderResumable, renderTraffic } from './panels.js';
import { Session, type LogEntry, type SessionSource } from './session.js';
import { clock, duration, isRecord } from './format.js';
import { renderTimeline } from './timeline.js';

/** An inspection event as it arrives: heartsocket's or Stately's JSON, checked loosely. */
export interface IncomingEvent {
  type: string;
  sessionId: string;
  rootId?: string | undefined;
  createdAt?: string | number | undefined;
  name?: string;
  parentId?: string | undefined;
  sourceId?: string | undefined;
  label?: string;
  url?: string;
  traffic?: LiveViewTraffic;
  session?: LiveViewSession;
  event?: { type: string; [key: string]: unknown };
  snapshot?: { status?: string; value?: unknown; context?: unknown };
  transitions?: { source: string; targets: string[]; eventType: string }[];
}

/** What the live view asks of its diagram (`DiagramView`). */
export interface DiagramLike {
  /** Marks the active state nodes: model state ids, root first. */
  highlight(activeStateIds: readonly string[]): void;
  /** Marks the transitions just taken: model transition ids (`t12`). */
  flash(transitionIds: readonly string[]): void;
  /** The shown socket's settings (as its snapshot carries them), or null: labels with its timings. */
  showSettings(settings: unknown): void;
}

export interface ViewElements {
  /** The diagram's container: carries `data-state` (the flat state) and `data-active` (the leaf id). */
  diagram: HTMLElement;
  badge: HTMLElement;
  stateFor: HTMLElement;
  value: HTMLElement;
  settings: HTMLElement;
  clocks: HTMLUListElement;
  traffic: HTMLElement;
  problems: HTMLElement;
  /** The resumable session's section (hidden without `resume`) and its list. */
  resumableSection: HTMLElement;
  resumable: HTMLElement;
  timeline: HTMLElement;
  outages: HTMLOListElement;
  log: HTMLOListElement;
  sessions: HTMLSelectElement;
}

const MAX_LOG_ROWS = 1000;

/** Accepts what looks like a live view event; anything else is ignored. */
export function asIncoming(value: unknown): IncomingEvent | null {
  if (!isRecord(value) || typeof value.type !== 'string' || typeof value.sessionId !== 'string') return null;
  if (!value.type.startsWith('@xstate.') && !value.type.startsWith('heartsocket.')) return null;
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
  readonly #diagram: DiagramLike;
  readonly #els: ViewElements;
  readonly #sessions = new Map<string, Session>();
  readonly #transitionsBySource = new Map<string, TransitionInfo[]>();
  #shown: Session | null = null;
  /** The user picked a session: do not switch to newer ones by ourselves. */
  #pinned = false;
  /** The timeline's width, in milliseconds of history; 0: all the history there is (at least 30 s, at most 15 min). */
  timelineWindow = 0;
  /** Called when the shown session changes (the page enables its buttons for its own sockets). */
  onShow: (session: Session) => void = () => {};

  constructor(model: MachineModel, diagram: DiagramLike, elements: ViewElements) {
    this.#model = model;
    this.#diagram = diagram;
    this.#els = elements;
    for (const transition of model.transitions) {
      const list = this.#transitionsBySource.get(transition.source) ?? [];
      list.push(transition);
      this.#transitionsBySource.set(transition.source, list);
    }
    elements.sessions.addEventListener('change', () => {
      const session = this.#sessions.get(elements.sessions.value);
      if (session === undefined) return;
      this.#pinned = true;
      this.#show(session);
    });
  }

  get shown(): Session | null {
    return this.#shown;
  }

  /** One live view event from `source`. */
  receive(event: IncomingEvent, source: SessionSource): void {
    const rootId = event.rootId ?? event.sessionId;
    const at = Number(event.createdAt ?? Date.now()) || Date.now();
    let session = this.#sessions.get(rootId);
    if (session === undefined) {
      if (!['@xstate.actor', '@xstate.snapshot', 'heartsocket.watch'].includes(event.type)) return;
      session = this.#addSession(rootId, source);
    }
    switch (event.type) {
      case '@xstate.actor':
        session.actors.set(event.sessionId, event.name ?? event.sessionId);
        if (event.sessionId === rootId) this.#append(session, { at, kind: 'info', text: `actor started (${source})` });
        break;
      case 'heartsocket.watch':
        session.watched = true;
        session.live = true;
        session.url = event.url ?? '';
        session.label = `#${session.number} ${event.label ?? session.url} (${source === 'page' ? 'this page' : 'relay'})`;
        this.#optionOf(session).textContent = session.label;
        this.#append(session, { at, kind: 'info', text: `watching ${event.label ?? session.url}` });
        break;
      case 'heartsocket.traffic':
        if (event.traffic !== undefined) this.#onTraffic(session, event.traffic);
        break;
      case 'heartsocket.session':
        if (event.session !== undefined) this.#onSession(session, event.session, at);
        break;
      case 'heartsocket.unwatch':
        session.live = false;
        this.#append(session, { at, kind: 'info', text: 'the watch ended: no more events from this socket' });
        if (session === this.#shown) this.tick();
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

  /** A line in a session's log. */
  note(rootId: string, kind: LogEntry['kind'], text: string): void {
    const session = this.#sessions.get(rootId);
    if (session !== undefined) this.#append(session, { at: Date.now(), kind, text });
  }

  clearLog(): void {
    if (this.#shown === null) return;
    this.#shown.log.length = 0;
    this.#els.log.replaceChildren();
  }

  /** Redraws what moves with the clock: countdowns, silence, time in state, the timeline. */
  tick(now: number = Date.now()): void {
    const session = this.#shown;
    if (session === null) return;
    session.history.prune(now);
    this.#els.stateFor.textContent = session.stateSince === null ? '' : `for ${duration(now - session.stateSince)}`;
    renderClocks(this.#els.clocks, session, now);
    renderTraffic(this.#els.traffic, session);
    const since = session.history.spans[0]?.from ?? now;
    const window = this.timelineWindow > 0 ? this.timelineWindow : Math.min(15 * 60_000, Math.max(30_000, now - since));
    renderTimeline(this.#els.timeline, this.#els.outages, session.history, now, window);
  }

  #addSession(rootId: string, source: SessionSource): Session {
    const session = new Session(rootId, source, this.#sessions.size + 1);
    this.#sessions.set(rootId, session);
    const option = document.createElement('option');
    option.value = rootId;
    option.textContent = session.label;
    this.#els.sessions.append(option);
    if (!this.#pinned || this.#shown === null) this.#show(session);
    return session;
  }

  #optionOf(session: Session): HTMLOptionElement {
    return Array.from(this.#els.sessions.options).find((option) => option.value === session.rootId)!;
  }

  #show(session: Session): void {
    this.#shown = session;
    this.#els.sessions.value = session.rootId;
    this.#els.log.replaceChildren(...session.log.map((entry, index) => this.#row(entry, session.log[index - 1])));
    this.#els.log.scrollTop = this.#els.log.scrollHeight;
    this.#renderState(session);
    renderProblems(this.#els.problems, session);
    renderResumable(this.#els.resumableSection, this.#els.resumable, session);
    this.#diagram.flash([]);
    this.tick();
    this.onShow(session);
  }

  #describeEvent(event: NonNullable<IncomingEvent['event']>): string {
    const { type, ...data } = event;
    const after = /^xstate\.after\.([^.]+)\./.exec(type);
    if (after !== null) return `after ${after[1]}`;
    if (type === 'xstate.init') return 'start';
    const fields = Object.entries(data)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}: ${JSON.stringify(value) ?? String(value)}`)
      .join(', ');
    return fields === '' ? type : `${type} {${fields.length > 120 ? `${fields.slice(0, 120)}…` : fields}}`;
  }

  #onEvent(session: Session, event: IncomingEvent, at: number): void {
    if (event.event === undefined) return;
    const text = this.#describeEvent(event.event);
    if (event.sessionId === session.rootId) {
      if (event.event.type === 'SOCKET.ERROR') {
        session.noteError(at, event.event.error);
        if (session === this.#shown) renderProblems(this.#els.problems, session);
      } else if (event.event.type === 'SOCKET.CLOSE') {
        session.noteClose(at, event.event);
        if (session === this.#shown) renderProblems(this.#els.problems, session);
      }
      const from = event.sourceId !== undefined ? session.actors.get(event.sourceId) : undefined;
      const sender = from !== undefined && event.sourceId !== session.rootId ? `${from} ▸ ` : '';
      this.#append(session, { at, kind: 'event', text: `${sender}${text}` });
    } else {
      const to = session.actors.get(event.sessionId) ?? 'child';
      this.#append(session, { at, kind: 'command', text: `▸ ${to}: ${text}` });
    }
  }

  #onTraffic(session: Session, traffic: LiveViewTraffic): void {
    session.noteTraffic(traffic);
    for (const message of traffic.recent) {
      const arrow = message.direction === 'in' ? '◂ in' : message.direction === 'out' ? '▸ out' : '▸ queued';
      this.#append(session, { at: message.at, kind: 'message', text: `${arrow} ${message.text}` });
    }
    if (traffic.skipped > 0) this.#append(session, { at: Date.now(), kind: 'message', text: `… and ${traffic.skipped} more messages` });
    if (session === this.#shown) renderTraffic(this.#els.traffic, session);
  }

  #onSession(session: Session, report: LiveViewSession, at: number): void {
    const result = session.noteSession(report);
    if (result !== null) this.#append(session, { at, kind: 'info', text: `session ${result.sessionId ?? '(none)'}: ${describeResume(result)}` });
    if (session === this.#shown) renderResumable(this.#els.resumableSection, this.#els.resumable, session);
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
      if (known !== undefined && step.targets.length > 0) taken.push(known.id);
      if (known?.reenter === true) session.noteReentry(step.targets);
    }
    if (session === this.#shown && taken.length > 0) this.#diagram.flash(taken);
  }

  #onSnapshot(session: Session, event: IncomingEvent, at: number): void {
    const snapshot = event.snapshot;
    if (snapshot === undefined || snapshot.value === undefined) return;
    let state: string;
    try {
      state = stateNameOf({ value: snapshot.value as never });
    } catch {
      state = JSON.stringify(snapshot.value);
    }
    if (snapshot.status === 'stopped' && state === session.state) return;
    const leaf = this.#activeIds(snapshot.value).at(-1) ?? '';
    const joinedLate = event.event?.type === 'heartsocket.watch';
    const previous = session.applySnapshot(at, { value: snapshot.value, context: snapshot.context, event: event.event }, state, leaf, joinedLate);
    if (state !== previous) {
      if (!session.microsteps && previous !== null) {
        this.#append(session, { at, kind: 'transition', text: `${previous} → ${state}` });
      }
      this.#append(session, { at, kind: 'state', text: state, state });
    }
    if (session === this.#shown) {
      this.#renderState(session);
      renderProblems(this.#els.problems, session); // the close the app was told of is in the context
      this.tick();
    }
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

  #renderState(session: Session): void {
    const ids = session.value === undefined ? [] : this.#activeIds(session.value);
    this.#diagram.highlight(ids);
    this.#diagram.showSettings(session.settings ?? null);
    const state = session.state ?? '';
    const diagram = this.#els.diagram;
    diagram.dataset.state = state;
    diagram.dataset.active = ids.at(-1) ?? '';
    document.body.dataset.state = state;
    this.#els.badge.dataset.state = state;
    this.#els.badge.textContent = state === '' ? '—' : state;
    this.#els.value.textContent = session.value === undefined ? '' : JSON.stringify(session.value);
    this.#els.settings.textContent = describeSettings(session.timings);
  }

  #append(session: Session, entry: LogEntry): void {
    const previous = session.log.at(-1);
    session.append(entry);
    if (session !== this.#shown) return;
    const log = this.#els.log;
    const following = log.scrollTop + log.clientHeight >= log.scrollHeight - 24;
    log.append(this.#row(entry, previous));
    while (log.childElementCount > MAX_LOG_ROWS) log.firstElementChild?.remove();
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
    // Messages are logged with their own arrival time, up to 250 ms after later rows: no "+-120 ms".
    delta.textContent = previous === undefined || entry.at < previous.at ? '' : `+${entry.at - previous.at} ms`;
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
