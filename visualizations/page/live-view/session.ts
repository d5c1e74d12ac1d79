/**
 * One socket as the live view knows it: its actors, log, state and when it was entered, its
 * history, traffic and last problems. Fed one live view event at a time (heartsocket's JSON, or
 * the Stately inspector's); holds no DOM.
 */
import { timingsFromSettings, type DiagramTimings } from '../../diagram/diagramWords.js';
import type { LiveViewSession, LiveViewTraffic } from '../../inspector/liveViewEvents.js';
import { isRecord } from './format.js';
import { errorMessage, History } from './history.js';

export type LogKind = 'info' | 'event' | 'command' | 'transition' | 'state' | 'message';

export interface LogEntry {
  at: number;
  kind: LogKind;
  text: string;
  state?: string;
}

/** Where a session's events come from: a socket in the page, or a process through the relay. */
export type SessionSource = 'page' | 'relay';

export interface SocketProblem {
  at: number;
  /** What the socket said; null when it said nothing (a browser's bare `error` event). */
  message: string | null;
}

export interface CloseSeen {
  at: number;
  code: number;
  reason: string;
  wasClean: boolean;
}

const MAX_LOG = 1000;

export class Session {
  readonly actors = new Map<string, string>();
  readonly log: LogEntry[] = [];
  readonly history = new History();
  label: string;
  url = '';
  value: unknown = undefined;
  state: string | null = null;
  context: Record<string, unknown> | undefined = undefined;
  /** Whether this source sends `@xstate.microstep` (heartsocket's form does, Stately's does not). */
  microsteps = false;
  /** Watched with `watchSocket`: traffic is known. */
  watched = false;
  /**
   * When the flat state and its current leaf were entered or re-entered (their timers restart
   * then); `null`: the view joined while it was already in them.
   */
  stateSince: number | null = null;
  leafSince: number | null = null;
  leaf = '';
  /** When the connection last opened, and when `open` was last entered from another state. */
  connectedSince: number | null = null;
  openSince: number | null = null;
  /** Still watched: false once the source said the watch ended (its clocks stop meaning anything). */
  live = true;
  /** State ids that `reenter` transitions of the step in progress entered anew. */
  #reentered: string[] = [];
  traffic: LiveViewTraffic | null = null;
  /** `resume` on: the resumable session as last reported; `null` for a socket without `resume`. */
  resumable: LiveViewSession | null = null;
  lastError: SocketProblem | null = null;
  lastClose: CloseSeen | null = null;

  constructor(
    readonly rootId: string,
    readonly source: SessionSource,
    readonly number: number,
  ) {
    this.label = `#${number} (${source === 'page' ? 'this page' : 'relay'})`;
  }

  get settings(): Record<string, unknown> | undefined {
    const settings = this.context?.settings;
    return isRecord(settings) ? settings : undefined;
  }

  /** The socket's timings, read once per snapshot; undefined when its source sent no settings. */
  timings: DiagramTimings | undefined = undefined;

  /** A microstep re-entered these states (`reenter: true`): their timers restart. */
  noteReentry(stateIds: readonly string[]): void {
    this.#reentered.push(...stateIds);
  }

  /**
   * A snapshot of the root, with the event that caused it: `state` (flat) and `leaf` (the deepest
   * active state id) at `at`. `joinedLate`: the view attached now, so when the states were entered
   * is not known. Returns the flat state before.
   */
  applySnapshot(
    at: number,
    snapshot: { value: unknown; context: unknown; event: { type: string; [key: string]: unknown } | undefined },
    state: string,
    leaf: string,
    joinedLate: boolean,
  ): string | null {
    const previous = this.state;
    this.value = snapshot.value;
    this.context = isRecord(snapshot.context) ? snapshot.context : undefined;
    this.timings = this.settings === undefined ? undefined : timingsFromSettings(this.settings);
    const since = joinedLate ? null : at;
    // Re-entering the leaf or one of its ancestors restarts the timers of the state and its leaf.
    const reentered = this.#reentered.some((id) => leaf === id || leaf.startsWith(`${id}.`));
    this.#reentered = [];
    if (leaf !== this.leaf || reentered) {
      this.leaf = leaf;
      this.leafSince = since;
    }
    if (state !== previous || reentered) this.stateSince = since;
    if (state !== previous) {
      this.state = state;
      if (state === 'open') this.openSince = since;
      if (state === 'open' && previous !== 'awaitingPong') this.connectedSince = since;
    }
    if (joinedLate) {
      this.live = true;
      this.history.resume(at, state);
    } else {
      this.history.record({ at, state, value: snapshot.value, event: snapshot.event, timings: this.timings });
    }
    return previous;
  }

  append(entry: LogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
  }

  /** A `SOCKET.ERROR` the root received. */
  noteError(at: number, error: unknown): void {
    const message = errorMessage(error);
    this.lastError = { at, message };
    this.history.noteError(message);
  }

  /** A `SOCKET.CLOSE` the root received: how the socket itself ended. */
  noteClose(at: number, event: Record<string, unknown>): void {
    this.lastClose = {
      at,
      code: typeof event.code === 'number' ? event.code : 0,
      reason: typeof event.reason === 'string' ? event.reason : '',
      wasClean: event.wasClean === true,
    };
  }

  /** A traffic report: the totals replace the previous ones. */
  noteTraffic(traffic: LiveViewTraffic): void {
    this.traffic = traffic;
    this.watched = true;
  }

  /**
   * A session report: replaces the previous one. Returns the handshake's result when it is new
   * (another result, or the same result for another session), for the log.
   */
  noteSession(session: LiveViewSession): LiveViewSession['lastResume'] {
    const before = this.resumable?.lastResume ?? null;
    this.resumable = session;
    const after = session.lastResume;
    return after !== null && JSON.stringify(after) !== JSON.stringify(before) ? after : null;
  }

  get lastReceivedAt(): number | null {
    return this.traffic?.lastReceivedAt ?? null;
  }
}
