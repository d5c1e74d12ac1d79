/**
 * The live view's panels for the socket shown: its timers, traffic, last error and close, and its
 * settings in one line. Each function redraws one element from a `Session`.
 */
import { describeRetryDelay, type DiagramTimings } from '../../diagram/diagramWords.js';
import { bytes, clock, duration, isRecord, plural } from './format.js';
import { describeClose } from './history.js';
import type { LiveViewSession } from '../../inspector/liveViewEvents.js';
import type { Session } from './session.js';
import { clocksOf } from './timers.js';

/** The settings that matter when reading a timeline, in one line. */
export function describeSettings(timings: DiagramTimings | undefined): string {
  if (timings === undefined) return 'settings unknown (the source sent no context)';
  const { heartbeat, reconnect } = timings;
  const retries = Number.isFinite(reconnect.maxRetries) ? `at most ${reconnect.maxRetries} ${reconnect.maxRetries === 1 ? 'retry' : 'retries'}` : 'no limit';
  return [
    heartbeat.enabled ? `ping after ${duration(heartbeat.interval)} of silence, pong within ${duration(heartbeat.timeout)}` : 'heartbeat off',
    `connect timeout ${duration(timings.connectTimeout)}`,
    `close timeout ${duration(timings.closeTimeout)}`,
    reconnect.enabled ? `retry after ${describeRetryDelay(reconnect)}, ${retries}` : 'no reconnect',
  ].join(' · ');
}

/** The timer running and when it fires, and the peer's silence; says what it cannot know. */
export function renderClocks(list: HTMLUListElement, session: Session, now: number): void {
  const context = session.context;
  const lines = clocksOf(
    {
      state: session.state ?? '',
      value: session.value,
      stateSince: session.stateSince,
      leafSince: session.leafSince,
      connectedSince: session.connectedSince,
      openSince: session.openSince,
      timings: session.timings,
      retries: typeof context?.retries === 'number' ? context.retries : undefined,
      retryDelay: typeof context?.retryDelay === 'number' ? context.retryDelay : undefined,
      lastReceivedAt: session.lastReceivedAt,
    },
    now,
  );
  if (!session.live) {
    list.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'the watch ended: no timers to show' }));
    return;
  }
  if (session.stateSince === null && session.state !== null) {
    lines.unshift({ id: 'joined', text: 'the view joined during this state: its timer is not known until the next change' });
  }
  if (!session.watched && session.state !== null) {
    lines.push({ id: 'silence', text: 'silence and traffic: not known (watch the socket with watch() to see them)' });
  }
  list.replaceChildren(
    ...lines.map((line) => {
      const item = document.createElement('li');
      item.dataset.clock = line.id;
      if (line.remaining !== undefined && line.remaining < 0) item.classList.add('overdue');
      item.textContent = line.text;
      return item;
    }),
  );
}

/** Messages and bytes in and out, pongs, what waited in the queue. */
export function renderTraffic(element: HTMLElement, session: Session): void {
  const traffic = session.traffic;
  if (traffic === null) {
    element.textContent = session.watched ? 'no traffic yet' : 'not watched: no traffic counts';
    return;
  }
  const rows: [string, string][] = [
    ['received', `${plural(traffic.received.messages, 'message')}, ${bytes(traffic.received.bytes)} · ${plural(traffic.pongs, 'pong')}`],
    ['sent', `${plural(traffic.sent.messages, 'message')}, ${bytes(traffic.sent.bytes)}${traffic.queued > 0 ? ` · ${traffic.queued} had to wait in the queue` : ''}`],
    ['waiting to be sent', bytes(traffic.buffered)],
  ];
  element.replaceChildren(
    ...rows.flatMap(([name, value]) => {
      const term = document.createElement('dt');
      term.textContent = name;
      const detail = document.createElement('dd');
      detail.dataset.traffic = name.split(' ')[0]!;
      detail.textContent = value;
      return [term, detail];
    }),
  );
}

/** How a handshake ended, in words: `resumed`, `new session`, or `not resumed: <reason>`. */
export function describeResume(result: NonNullable<LiveViewSession['lastResume']>): string {
  if (result.resumed) return 'resumed';
  if (result.reason === null) return 'new session';
  return result.reason === 'unsupported' ? 'not resumed: the server keeps no sessions (unsupported)' : `not resumed: ${result.reason}`;
}

/**
 * `resume` on: the session id, the messages not yet acknowledged each way, the last handshake's
 * result. The section stays hidden for a socket without `resume` (nothing changes for it).
 */
export function renderResumable(section: HTMLElement, element: HTMLElement, session: Session): void {
  const resumable = session.resumable;
  section.hidden = resumable === null;
  if (resumable === null) {
    element.replaceChildren();
    return;
  }
  const last = resumable.lastResume;
  const rows: [string, string, string][] = [
    ['id', 'session id', resumable.id ?? 'none yet'],
    ['unacknowledged-sent', 'sent, not yet acknowledged', `${plural(resumable.unacknowledgedSent, 'message')} (of ${resumable.sent} sent)`],
    ['unacknowledged-received', 'received, not yet acknowledged', `${plural(resumable.unacknowledgedReceived, 'message')} (of ${resumable.received} received)`],
    ['last-resume', 'last handshake', last === null ? 'none yet' : describeResume(last)],
  ];
  element.replaceChildren(
    ...rows.flatMap(([key, name, value]) => {
      const term = document.createElement('dt');
      term.textContent = name;
      const detail = document.createElement('dd');
      detail.dataset.session = key;
      detail.textContent = value;
      return [term, detail];
    }),
  );
}

/** The last error and close, with the detail there is, and what the app was told. */
export function renderProblems(element: HTMLElement, session: Session): void {
  const lines: { kind: string; text: string }[] = [];
  const inPage = session.source === 'page';
  const error = session.lastError;
  if (error !== null) {
    const what =
      error.message ??
      (inPage
        ? 'no detail: browsers give pages no reason for a WebSocket error, on purpose (so that pages cannot probe the network). The browser console shows it, e.g. net::ERR_CONNECTION_REFUSED.'
        : 'no detail: the WebSocket gave none.');
    lines.push({ kind: 'error', text: `${clock(error.at)} error: ${what}` });
  }
  const close = session.lastClose;
  if (close !== null) {
    let text = `${clock(close.at)} socket closed: ${describeClose(close.code, close.reason)}${close.wasClean ? ', clean' : ', not clean'}`;
    if (close.code === 1006 && close.reason === '') {
      text += inPage
        ? ' — no close frame (the connection dropped or never opened); the browser does not say why.'
        : ' — no close frame (the connection dropped or never opened).';
    }
    lines.push({ kind: 'close', text });
  }
  const reported = session.context?.lastClose;
  if (isRecord(reported)) {
    lines.push({ kind: 'reported', text: `the app was told: close ${describeClose(reported.code, reported.reason)}` });
  }
  element.replaceChildren(
    ...(lines.length === 0 ? [{ kind: 'none', text: 'no error or close so far' }] : lines).map((line) => {
      const item = document.createElement('div');
      item.dataset.problem = line.kind;
      item.textContent = line.text;
      return item;
    }),
  );
}
