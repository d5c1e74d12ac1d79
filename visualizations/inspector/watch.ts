/**
 * Watching one HeartSocket for the live view: its inspection events from the moment the view
 * attaches (plus where it stands now), and its traffic, counted by a tap that exists only while
 * it is watched. `watchSocket` is what both the page (its own sockets) and
 * `createLiveViewInspector(...).watch(socket)` (a Node process, through the relay) use.
 */
import type { InspectionEvent } from 'xstate';
import type { HeartSocket } from '../../adapters/HeartSocket.js';
import { SET_TRAFFIC_TAP, type TrafficTap } from '../../adapters/trafficTap.js';
import { LIVE_VIEW_VERSION, toLiveViewEvent, type LiveViewEvent, type LiveViewSession, type LiveViewTraffic } from './liveViewEvents.js';

/** How often counts are reported while they change. */
export const TRAFFIC_REPORT_MS = 250;
/** Messages shown per report (the rest are counted as skipped). */
const RECENT_MAX = 20;
const PREVIEW_CHARS = 120;

/** Bytes of a string in UTF-8, without encoding it. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4; // a surrogate pair: one four-byte character
      index++;
    } else bytes += 3;
  }
  return bytes;
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return utf8Length(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  if (Array.isArray(data)) return data.reduce((sum: number, part) => sum + sizeOf(part), 0); // ws fragments
  return 0;
}

function preview(data: unknown, bytes: number): string {
  if (typeof data === 'string') {
    const quoted = JSON.stringify(data.length > PREVIEW_CHARS ? data.slice(0, PREVIEW_CHARS) : data);
    return data.length > PREVIEW_CHARS ? `${quoted}… (${bytes} bytes)` : quoted;
  }
  return `(binary, ${bytes} bytes)`;
}

/** Counts traffic between two reports. */
class TrafficCounter implements TrafficTap {
  readonly totals: LiveViewTraffic = {
    received: { messages: 0, bytes: 0 },
    pongs: 0,
    sent: { messages: 0, bytes: 0 },
    queued: 0,
    buffered: 0,
    lastReceivedAt: null,
    recent: [],
    skipped: 0,
  };
  changed = false;

  received(data: unknown, isPong: boolean): void {
    const totals = this.totals;
    const bytes = sizeOf(data);
    totals.lastReceivedAt = Date.now();
    this.changed = true;
    if (isPong) {
      totals.pongs += 1;
      return;
    }
    totals.received.messages += 1;
    totals.received.bytes += bytes;
    this.#remember('in', data, bytes);
  }

  sent(data: unknown, queued: boolean): void {
    const bytes = sizeOf(data);
    this.totals.sent.messages += 1;
    this.totals.sent.bytes += bytes;
    if (queued) this.totals.queued += 1;
    this.changed = true;
    this.#remember(queued ? 'queued' : 'out', data, bytes);
  }

  /** Keeps the latest RECENT_MAX messages of the report; older ones are counted as skipped. */
  #remember(direction: 'in' | 'out' | 'queued', data: unknown, bytes: number): void {
    const recent = this.totals.recent;
    if (recent.length >= RECENT_MAX) {
      recent.shift();
      this.totals.skipped += 1;
    }
    recent.push({ at: Date.now(), direction, text: preview(data, bytes) });
  }

  /** The report since the last one; the list of recent messages starts afresh. */
  take(buffered: number): LiveViewTraffic {
    const totals = this.totals;
    const report = { ...totals, received: { ...totals.received }, sent: { ...totals.sent }, buffered };
    totals.recent = [];
    totals.skipped = 0;
    this.changed = false;
    return report;
  }
}

const watched = new WeakSet<HeartSocket>();

/** The socket's session as plain data, or `null` without `resume`. */
function sessionOf(socket: HeartSocket): LiveViewSession | null {
  const info = socket.session;
  if (info === null) return null;
  const last = info.lastResume;
  return {
    id: info.id,
    sent: info.sent,
    received: info.received,
    unacknowledgedSent: info.unacknowledgedSent,
    unacknowledgedReceived: info.unacknowledgedReceived,
    lastResume: last === null ? null : { resumed: last.resumed, reason: last.reason, sessionId: last.sessionId },
  };
}

/**
 * Options of `watch()` (see `LiveViewInspector`).
 *
 * @example
 * ```ts
 * const options: WatchOptions = { label: 'prices' };
 * live.watch(socket, options);
 * ```
 */
export interface WatchOptions {
  /** What the view calls this socket. @default its URL */
  label?: string;
}

/**
 * Shows `socket` in a live view through `sink`, until the returned function is called: first
 * where it stands (`@xstate.actor`, `heartsocket.watch`, `@xstate.snapshot`), then every
 * inspection event and, while anything moves, a `heartsocket.traffic` report every 250 ms.
 */
export function watchSocket(socket: HeartSocket, sink: (event: LiveViewEvent) => void, options: WatchOptions = {}): () => void {
  // One tap per socket: a second watcher would silently take the first one's counts.
  if (watched.has(socket)) throw new Error('heartsocket: this socket is already watched; call the first watch\'s stop function first.');
  watched.add(socket);
  const actor = socket.actor;
  const rootId = actor.sessionId;
  const base = () => ({ sessionId: rootId, rootId, createdAt: String(Date.now()), _version: LIVE_VIEW_VERSION });
  const snapshot = actor.getSnapshot();

  try {
    sink({ ...base(), type: '@xstate.actor', name: 'heartsocket', parentId: undefined });
    for (const [id, child] of Object.entries(snapshot.children as Record<string, { sessionId: string } | undefined>)) {
      if (child !== undefined) sink({ ...base(), sessionId: child.sessionId, type: '@xstate.actor', name: id, parentId: rootId });
    }
    sink({ ...base(), type: 'heartsocket.watch', label: options.label ?? socket.url, url: socket.url });
    const now = toLiveViewEvent({
      type: '@xstate.snapshot',
      actorRef: actor,
      rootId,
      snapshot,
      event: { type: 'heartsocket.watch' },
    } as unknown as InspectionEvent);
    if (now !== undefined) sink(now);
  } catch (error) {
    // Thrown at the call: the caller hears it, and nothing is left watching.
    watched.delete(socket);
    throw error;
  }

  // XState calls inspectors inside the actor's own step: a view that throws must not reach the
  // socket. Its first throw ends the watch, and is told once.
  const send = (event: LiveViewEvent): void => {
    try {
      sink(event);
    } catch (error) {
      console.error('heartsocket: the live view threw; this socket is no longer watched.', error);
      stop(true);
    }
  };
  const subscription = actor.system.inspect((inspection: InspectionEvent) => {
    const event = toLiveViewEvent(inspection);
    if (event !== undefined) send(event);
  });

  // `resume` on: the session, sent when it changes. Acks arrive as control frames the traffic tap
  // never sees, so it is compared at every report rather than counted.
  let sessionSent = '';
  const reportSession = (): void => {
    const session = sessionOf(socket);
    if (session === null) return;
    const key = JSON.stringify(session);
    if (key === sessionSent) return;
    sessionSent = key;
    send({ ...base(), type: 'heartsocket.session', session });
  };
  reportSession();
  // The handshake's result at once, not up to a report later: it is what someone debugging a resume looks for.
  socket.addEventListener('resume', reportSession);

  const counter = new TrafficCounter();
  const report = (): void => {
    if (counter.changed) send({ ...base(), type: 'heartsocket.traffic', traffic: counter.take(socket.bufferedAmount) });
    reportSession();
  };
  const timer = setInterval(report, TRAFFIC_REPORT_MS);
  // A Node process must be free to exit while it is watched.
  (timer as { unref?: () => void }).unref?.();
  socket[SET_TRAFFIC_TAP](counter);

  let watching = true;
  function stop(viewFailed = false): void {
    if (!watching) return;
    watching = false;
    watched.delete(socket);
    socket[SET_TRAFFIC_TAP](null);
    socket.removeEventListener('resume', reportSession);
    clearInterval(timer);
    subscription.unsubscribe();
    if (viewFailed) return; // nothing more for a view that broke
    report();
    send({ ...base(), type: 'heartsocket.unwatch' });
  }
  return () => stop();
}
