// The offline live view's link: a visualization (its page imports it), built on the public HeartSocket.
import type { AnyEventObject, InspectionEvent } from 'xstate';
import { HeartSocket } from '../adapters/HeartSocket.js';
import type { SocketOptions } from '../adapters/options.js';

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
  | (LiveViewBase & {
      type: '@xstate.microstep';
      event: AnyEventObject;
      /** The transitions taken, by state node id (`heartsocket.running.live.connecting`). */
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

const VERSION = 'heartsocket-live-view/1';
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
 * One XState inspection event as plain JSON data, or `undefined` for the kinds the live view does
 * not use (`@xstate.action`, `@xstate.transition`). Exported for the live view page.
 */
export function toLiveViewEvent(inspection: InspectionEvent, now: number = Date.now()): LiveViewEvent | undefined {
  const base: LiveViewBase = {
    sessionId: inspection.actorRef.sessionId,
    rootId: inspection.rootId,
    createdAt: String(now),
    _version: VERSION,
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
          source: transition.source.id,
          targets: (transition.target ?? []).map((target) => target.id),
          eventType: transition.eventType as string, // XState types it `any` here (AnyTransitionDefinition)
        })),
        value: jsonSafe((inspection.snapshot as { value?: unknown }).value),
      };
    default:
      return undefined;
  }
}

/**
 * Options of {@link createLiveViewInspector}.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const options: LiveViewInspectorOptions = { WebSocket, buffer: 5000 };
 * ```
 */
export interface LiveViewInspectorOptions {
  /** The WebSocket constructor: `ws`'s on Node 20. @default globalThis.WebSocket */
  WebSocket?: SocketOptions['WebSocket'];
  /** Events kept while the relay is not connected; beyond that new ones are dropped. @default 1000 */
  buffer?: number;
}

/**
 * What {@link createLiveViewInspector} returns.
 *
 * @example
 * ```ts
 * const live: LiveViewInspector = createLiveViewInspector('ws://127.0.0.1:8090', { WebSocket });
 * const socket = new HeartSocket(url, [], { WebSocket, inspect: live.inspect });
 * // … when done:
 * if (live.dropped > 0) console.warn(`${live.dropped} inspection events were dropped`);
 * live.stop();
 * ```
 */
export interface LiveViewInspector {
  /** Pass as `options.inspect` of a `HeartSocket` or `createSocketActor`. */
  readonly inspect: (event: InspectionEvent) => void;
  /** Events not sent because the buffer was full or the inspector stopped. */
  readonly dropped: number;
  /** Closes the connection to the relay (it reconnects until then). */
  stop(): void;
}

/**
 * An XState `inspect` observer that sends every inspection event, as JSON, to the live view relay
 * (`npm run viz:serve`), where the offline live view page (`visualizations/live-view.html`)
 * draws it on the statechart. The link is itself a HeartSocket (no heartbeat): events are queued
 * until the relay is reached, and it reconnects if the relay restarts. Call `stop()` when done.
 *
 * Only for debugging: events carry what was sent (strings cut to 200 characters).
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const live = createLiveViewInspector('ws://127.0.0.1:8090', { WebSocket });
 * const socket = new HeartSocket('wss://example.com/feed', [], { WebSocket, inspect: live.inspect });
 * ```
 */
export function createLiveViewInspector(url: string | URL, options: LiveViewInspectorOptions = {}): LiveViewInspector {
  const link = new HeartSocket(url, [], {
    ...(options.WebSocket !== undefined && { WebSocket: options.WebSocket }),
    heartbeat: false,
    reconnect: { delay: 500, factor: 2, maxDelay: 5000 },
    queue: { max: options.buffer ?? 1000 },
  });
  let dropped = 0;
  return {
    inspect(inspection) {
      const event = toLiveViewEvent(inspection);
      if (event === undefined) return;
      try {
        link.send(JSON.stringify(event));
      } catch {
        dropped += 1; // queue full, or stopped: never let the inspector break the inspected actor
      }
    },
    get dropped() {
      return dropped;
    },
    stop() {
      link.close();
    },
  };
}
