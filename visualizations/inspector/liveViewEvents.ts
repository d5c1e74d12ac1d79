// The live view's events: XState's inspection events as plain JSON, plus heartsocket's own
// (`heartsocket.watch`, `heartsocket.traffic`, `heartsocket.session`, `heartsocket.unwatch`).
import type { AnyEventObject, InspectionEvent } from 'xstate';

/**
 * XState's inspection events in a form that survives `JSON.stringify`: the shape of the Stately
 * inspector's events (`type`, `sessionId`, `rootId`, `event`, `snapshot`, `createdAt`), with only
 * plain data in them, plus `@xstate.microstep` carrying the transitions taken.
 *
 * @example
 * ```ts
 * // A page listening to the relay gets one per message:
 * relay.onmessage = (message) => {
 *   const event = JSON.parse(String(message.data)) as LiveViewEvent;
 *   if (event.type === '@xstate.snapshot') console.log(event.snapshot.value);
 * };
 * ```
 */
export type LiveViewEvent =
  | (LiveViewBase & { type: '@xstate.actor'; name: string; parentId: string | undefined })
  | (LiveViewBase & { type: '@xstate.event'; event: AnyEventObject; sourceId: string | undefined })
  | (LiveViewBase & { type: '@xstate.snapshot'; event: AnyEventObject; snapshot: LiveViewSnapshot })
  | (LiveViewBase & { type: 'heartsocket.watch'; label: string; url: string })
  | (LiveViewBase & { type: 'heartsocket.traffic'; traffic: LiveViewTraffic })
  | (LiveViewBase & { type: 'heartsocket.session'; session: LiveViewSession })
  | (LiveViewBase & { type: 'heartsocket.unwatch' })
  | (LiveViewBase & {
      type: '@xstate.microstep';
      event: AnyEventObject;
      /** The transitions taken, by state node path (`heartsocket.running.live.connecting`, as in `socket-machine.json`). */
      transitions: { source: string; targets: string[]; eventType: string }[];
      value: unknown;
    });

interface LiveViewBase {
  /** The actor the event is about (for `@xstate.event`: its recipient). */
  sessionId: string;
  /** The session id of the root actor of its system: one per HeartSocket. */
  rootId: string;
  /** `Date.now()` when it happened, as a string (as the Stately inspector has it). */
  createdAt: string;
  _version: string;
}

export interface LiveViewSnapshot {
  status: string;
  value?: unknown;
  context?: unknown;
}

/**
 * A watched socket's traffic (`heartsocket.traffic`), sent every 250 ms while it changes: totals
 * since the watch began, and the messages since the previous report.
 *
 * @example
 * ```ts
 * const traffic: LiveViewTraffic = {
 *   received: { messages: 12, bytes: 480 }, pongs: 3, sent: { messages: 2, bytes: 10 }, queued: 0,
 *   buffered: 0, lastReceivedAt: Date.now(), recent: [{ at: Date.now(), direction: 'in', text: '"hello"' }], skipped: 0,
 * };
 * ```
 */
export interface LiveViewTraffic {
  /** Messages for the app (not pongs), and their bytes (UTF-8 for text). */
  received: { messages: number; bytes: number };
  /** Heartbeat replies, consumed by heartsocket: pong messages, and protocol ping and pong frames (`ws`). */
  pongs: number;
  /** Messages the app sent (`send()`), and their bytes: written, or queued (see `undelivered` for those never sent). */
  sent: { messages: number; bytes: number };
  /** Of those, how many had to wait in the queue for a socket. */
  queued: number;
  /** `bufferedAmount` at the report: bytes queued or not yet written. */
  buffered: number;
  /** `Date.now()` when anything last arrived (a pong included), or `null`. */
  lastReceivedAt: number | null;
  /** Messages since the previous report (at most 20), with a short preview. */
  recent: { at: number; direction: 'in' | 'out' | 'queued'; text: string }[];
  /** Messages since the previous report not in `recent`. */
  skipped: number;
}

/**
 * A watched socket's resumable session (`heartsocket.session`), with `resume` on only: what
 * `HeartSocket.session` reads, sent when the watch begins and whenever it changes (checked with
 * each traffic report, and at once on a `resume` event). A socket without `resume` sends none.
 *
 * @example
 * ```ts
 * const session: LiveViewSession = {
 *   id: 'k3J9…', sent: 12, received: 40, unacknowledgedSent: 2, unacknowledgedReceived: 0,
 *   lastResume: { resumed: true, reason: null, sessionId: 'k3J9…' },
 * };
 * ```
 */
export interface LiveViewSession {
  /** The session's id; `null` before the first, or after the server ended it. */
  id: string | null;
  /** Application messages written into the session. */
  sent: number;
  /** Application messages received in the session. */
  received: number;
  /** Written, not yet acknowledged by the server (kept for a resume). */
  unacknowledgedSent: number;
  /** Received, not yet acknowledged to the server. */
  unacknowledgedReceived: number;
  /** How the last handshake ended (`resumed`, or why not); `null` before one did. */
  lastResume: { resumed: boolean; reason: string | null; sessionId: string | null } | null;
}

/** The version every live view event carries (`_version`). */
export const LIVE_VIEW_VERSION = 'heartsocket-live-view/1';
const MAX_DEPTH = 4;
const MAX_STRING = 200;
const MAX_ITEMS = 50;

/** A copy with only JSON data: no functions, no cycles, no sockets; long strings and lists cut. */
function jsonSafe(value: unknown, depth = 0, seen: Set<object> = new Set()): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} chars)` : value;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object') return undefined; // functions, symbols, undefined
  if (seen.has(value)) return '[circular]';
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof ArrayBuffer) return `[ArrayBuffer ${value.byteLength} bytes]`;
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  const prototype = Object.getPrototypeOf(value) as object | null;
  const isPlain = prototype === null || prototype === Object.prototype || Array.isArray(value);
  // An Event, a socket, a Blob: its class says enough, its fields could be anything.
  if (!isPlain) {
    const message = (value as { message?: unknown }).message;
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    return typeof message === 'string' ? `[${name}: ${message}]` : `[${name}]`;
  }
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[array]' : '[object]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ITEMS).map((item) => jsonSafe(item, depth + 1, seen) ?? null);
      if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
      return items;
    }
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const safe = jsonSafe(field, depth + 1, seen);
      if (safe !== undefined) copy[key] = safe;
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

const safeEvent = (event: AnyEventObject): AnyEventObject => jsonSafe(event) as AnyEventObject;

/**
 * A state node by its path from the root (`heartsocket.running.live`), as the diagrams and a state
 * value name it, even where the node has an id of its own for targets (`#live`).
 */
const pathOf = (node: { machine: { id: string }; path: readonly string[] }): string => [node.machine.id, ...node.path].join('.');

/**
 * One XState inspection event as plain JSON data, or `undefined` for the kinds the live view does
 * not use (`@xstate.action`, `@xstate.transition`). Exported for the live view page.
 */
export function toLiveViewEvent(inspection: InspectionEvent, now: number = Date.now()): LiveViewEvent | undefined {
  const base: LiveViewBase = {
    sessionId: inspection.actorRef.sessionId,
    rootId: inspection.rootId,
    createdAt: String(now),
    _version: LIVE_VIEW_VERSION,
  };
  switch (inspection.type) {
    case '@xstate.actor': {
      const actor = inspection.actorRef as { id?: string; _parent?: { sessionId: string }; logic?: { config?: { id?: unknown } } };
      // A root actor's id is its session id: name it after its machine instead (as Stately does).
      const machineId = actor.logic?.config?.id;
      const name = actor.id !== undefined && actor.id !== base.sessionId ? actor.id : typeof machineId === 'string' ? machineId : base.sessionId;
      return { ...base, type: '@xstate.actor', name, parentId: actor._parent?.sessionId };
    }
    case '@xstate.event':
      return { ...base, type: '@xstate.event', event: safeEvent(inspection.event), sourceId: inspection.sourceRef?.sessionId };
    case '@xstate.snapshot': {
      const snapshot = inspection.snapshot as { status: string; value?: unknown; context?: unknown };
      return {
        ...base,
        type: '@xstate.snapshot',
        event: safeEvent(inspection.event),
        snapshot: {
          status: snapshot.status,
          ...(snapshot.value !== undefined && { value: jsonSafe(snapshot.value) }),
          ...(snapshot.context !== undefined && { context: jsonSafe(snapshot.context) }),
        },
      };
    }
    case '@xstate.microstep':
      return {
        ...base,
        type: '@xstate.microstep',
        event: safeEvent(inspection.event),
        transitions: inspection._transitions.map((transition) => ({
          source: pathOf(transition.source),
          targets: (transition.target ?? []).map(pathOf),
          eventType: transition.eventType as string, // XState types it `any` here (AnyTransitionDefinition)
        })),
        value: jsonSafe((inspection.snapshot as { value?: unknown }).value),
      };
    default:
      return undefined;
  }
}
