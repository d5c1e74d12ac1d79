/**
 * What happened to one socket over time, for the live view's timeline: the states it went
 * through (spans), and its outages — each from the moment the connection was lost (or first
 * failed) until it was open again — with their cause. Pure: fed the socket's state changes with
 * the event that caused each, it knows nothing of the DOM.
 */
import type { DiagramTimings } from '../../diagram/diagramWords.js';
import { duration } from './format.js';

/** Why a connection was lost, or why an attempt failed. */
export type OutageCause =
  | 'heartbeat-timeout'
  | 'server-close'
  | 'connection-lost'
  | 'connect-timeout'
  | 'connect-failed'
  | 'offline'
  | 'reconnect'
  | 'app-close'
  | 'invalid'
  | 'unknown';

/** A state, from when it was entered until it was left (`to: null`: still in it). */
export interface StateSpan {
  state: string;
  from: number;
  to: number | null;
}

export interface Outage {
  from: number;
  /** When it was open again; `null` while it lasts. */
  to: number | null;
  cause: OutageCause;
  /** The cause in words, with whatever detail there is (close code, reason, error message). */
  detail: string;
  /** Connection attempts that failed during it, and the last one's detail. */
  failedAttempts: number;
  lastFailure: string | null;
  /** The socket ended for good (`closed`): it will not come back by itself. */
  ended: boolean;
}

/** A root state change, as the view has it. */
export interface StateChange {
  at: number;
  /** The flat state name (`connecting`, `open`, …). */
  state: string;
  /** XState's state value (nested). */
  value: unknown;
  /** The event that caused it: `{ type, ...fields }` as the inspection event carried it. */
  event: { type: string; [key: string]: unknown } | undefined;
  /** The socket's settings, where its snapshot carried them (for the detail's numbers). */
  timings: DiagramTimings | undefined;
}

const UP = new Set(['open', 'awaitingPong']);
/** Spans older than this are dropped (the timeline shows at most the last 15 minutes). */
export const HISTORY_MS = 30 * 60_000;
const MAX_SPANS = 5000;
const MAX_OUTAGES = 500;

/** Whether the (nested) state value contains `key` at any level. */
export function valueHas(value: unknown, key: string): boolean {
  if (typeof value === 'string') return value === key;
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([name, sub]) => name === key || valueHas(sub, key));
}

const within = (ms: number | undefined): string => (ms === undefined ? '' : ` within ${duration(ms)}`);

/** A close code and reason in words. */
export function describeClose(code: unknown, reason: unknown): string {
  const words = typeof reason === 'string' && reason !== '' ? ` "${reason}"` : '';
  return `${String(code)}${words}`;
}

/** What an error carried, as the live view event has it (an `{ name, message }`, or `[Event]`). */
export function errorMessage(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    const message = (error as { message: string }).message;
    return message === '' ? null : message;
  }
  if (typeof error === 'string') {
    const bracketed = /^\[[A-Za-z]+: (.+)\]$/.exec(error);
    if (bracketed !== null) return bracketed[1]!;
    return /^\[[A-Za-z]+\]$/.test(error) ? null : error;
  }
  return null;
}

/** Why the socket left a healthy connection (or an attempt), from the new state and its event. */
export function causeOf(change: StateChange, previous: string | null, lastError: string | null): { cause: OutageCause; detail: string } {
  const { event, value, timings } = change;
  const type = event?.type ?? '';
  if (valueHas(value, 'deadPeer')) return { cause: 'heartbeat-timeout', detail: `heartbeat timeout: no pong${within(timings?.heartbeat.timeout)}` };
  if (type.startsWith('xstate.after.connectTimeout')) return { cause: 'connect-timeout', detail: `connect timeout: no handshake${within(timings?.connectTimeout)}` };
  if (type === 'NETWORK.OFFLINE' || valueHas(value, 'offline')) return { cause: 'offline', detail: 'the host went offline' };
  if (type === 'RECONNECT') return { cause: 'reconnect', detail: 'reconnect() called' };
  if (type === 'CLOSE') return { cause: 'app-close', detail: 'close() called' };
  if (type === 'SOCKET.INVALID') return { cause: 'invalid', detail: `gave up: ${typeof event?.reason === 'string' ? event.reason : 'invalid options'}` };
  if (type === 'SOCKET.CLOSE') {
    const close = describeClose(event?.code, event?.reason);
    const because = lastError !== null ? ` — ${lastError}` : '';
    if (previous === 'connecting') return { cause: 'connect-failed', detail: `connect failed: ${close}${because}` };
    if (event?.code === 1006) return { cause: 'connection-lost', detail: `connection lost: ${close}${because}` };
    return { cause: 'server-close', detail: `closed by the server: ${close}` };
  }
  return { cause: 'unknown', detail: type === '' ? 'unknown' : type };
}

export class History {
  readonly spans: StateSpan[] = [];
  readonly outages: Outage[] = [];
  #state: string | null = null;
  #lastError: string | null = null;

  /** A `SOCKET.ERROR`'s message (or null where the host gives none), for the next failure's detail. */
  noteError(message: string | null): void {
    this.#lastError = message;
  }

  /** The root entered `change.state` (or a new value within it). */
  record(change: StateChange): void {
    const previous = this.#state;
    if (change.state !== previous) {
      const last = this.spans.at(-1);
      if (last !== undefined) last.to = change.at;
      this.spans.push({ state: change.state, from: change.at, to: null });
      if (this.spans.length > MAX_SPANS) this.spans.splice(0, this.spans.length - MAX_SPANS);
      this.#state = change.state;
    }
    this.#judge(previous, change);
  }

  /**
   * Where the socket stands when a view (re)joins: a span begins, but nothing is judged — the
   * view did not see how it got there.
   */
  resume(at: number, state: string): void {
    const current = this.current;
    if (current !== null && UP.has(state)) current.to = at;
    if (state === this.#state) return;
    const last = this.spans.at(-1);
    if (last !== undefined) last.to = at;
    this.spans.push({ state, from: at, to: null });
    this.#state = state;
  }

  /** Drops what ended before `now - HISTORY_MS`. */
  prune(now: number): void {
    const horizon = now - HISTORY_MS;
    const keep = (to: number | null): boolean => to === null || to >= horizon;
    const firstSpan = this.spans.findIndex((span) => keep(span.to));
    this.spans.splice(0, firstSpan === -1 ? this.spans.length : firstSpan);
    const firstOutage = this.outages.findIndex((outage) => keep(outage.to));
    this.outages.splice(0, firstOutage === -1 ? this.outages.length : firstOutage);
  }

  get current(): Outage | null {
    const last = this.outages.at(-1);
    return last !== undefined && last.to === null ? last : null;
  }

  /**
   * What a state change means for the outages. Three moments matter:
   * - **lost**: a healthy connection (`open`, `awaitingPong`) stopped being one — a new outage,
   *   from now, caused by what ended it;
   * - **failed**: an attempt (or the closing handshake after a loss) ended without a connection —
   *   one more failed attempt of the outage in progress, or the start of one (from when the first
   *   connecting began) if the first connection never came up;
   * - **back**: open again — the outage is over. Leaving `closed` (a `reconnect()` after the end)
   *   also closes it: what follows is a new story.
   * The app's own `close()` is not a failure: it only marks the outage in progress as ended.
   */
  #judge(previous: string | null, change: StateChange): void {
    const current = this.current;
    if (UP.has(change.state)) {
      if (current !== null) current.to = change.at;
      this.#lastError = null;
      return;
    }
    if (previous === 'closed' && change.state !== 'closed') {
      if (current !== null) current.to = change.at;
      return;
    }
    const ended = change.state === 'closed' && !valueHas(change.value, 'notStarted');
    const lost = previous !== null && UP.has(previous);
    const failed =
      previous !== null && previous !== change.state && !UP.has(previous) && (change.state === 'reconnectWait' || ended);
    const offlineAtStart = previous === null && valueHas(change.value, 'offline');
    if (!lost && !failed && !offlineAtStart) return;
    const { cause, detail } = causeOf(change, previous, this.#lastError);
    this.#lastError = null;
    if (!lost && cause === 'app-close') {
      if (current !== null) current.ended = true;
      return;
    }
    if (current !== null && !lost) {
      // The closing handshake after a dead peer is part of the loss, not an attempt of its own.
      if (previous !== 'closing') {
        current.failedAttempts += 1;
        current.lastFailure = detail;
      }
      if (ended) current.ended = true;
      return;
    }
    const from = lost ? change.at : (this.spans.find((span) => span.state !== 'closed')?.from ?? change.at);
    this.outages.push({ from, to: null, cause, detail, failedAttempts: lost ? 0 : 1, lastFailure: lost ? null : detail, ended });
    if (this.outages.length > MAX_OUTAGES) this.outages.splice(0, this.outages.length - MAX_OUTAGES);
  }
}
