/**
 * One socket as the live view knows it: its actors, log, state and when it was entered, its
 * history, traffic and last problems. Fed one live view event at a time (heartsocket's JSON, or
 * the Stately inspector's); holds no DOM.
 */
import type { LiveViewTraffic } from '../liveViewEvents.js';
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
  /** When the flat state and its current leaf were entered (`null`: before the view heard of it). */
  stateSince: number | null = null;
  leafSince: number | null = null;
  leaf = '';
  connectedSince: number | null = null;
  traffic: LiveViewTraffic | null = null;
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
    return typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>) : undefined;
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

  get lastReceivedAt(): number | null {
    return this.traffic?.lastReceivedAt ?? null;
  }
}
