/**
 * The live view's panels for the socket shown: its timers, traffic, last error and close, and its
 * settings in one line. Each function redraws one element from a `Session`.
 */
import { describeClose } from './history.js';
import type { Session } from './session.js';
import { clocksOf, duration } from './timers.js';

const two = (n: number): string => String(n).padStart(2, '0');
/** `12:03:04.567`, local time. */
export function clock(ms: number): string {
  const date = new Date(ms);
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const messages = (count: number): string => `${count} message${count === 1 ? '' : 's'}`;
const bytes = (count: number): string =>
  count < 1024 ? `${count} B` : count < 1024 * 1024 ? `${(count / 1024).toFixed(1)} KiB` : `${(count / 1024 / 1024).toFixed(1)} MiB`;

function describeRetry(reconnect: Record<string, unknown>, ms: (value: unknown) => string): string {
  const growth = reconnect.factor === 1 ? '' : `, ×${String(reconnect.factor)} each time up to ${ms(reconnect.maxDelay)}`;
  const jitter = typeof reconnect.jitter === 'number' && reconnect.jitter > 0 ? ` ±${Math.round(reconnect.jitter * 100)}%` : '';
  const most = reconnect.maxRetries === 'Infinity' ? 'no limit' : `at most ${String(reconnect.maxRetries)} retries`;
  return `retry after ${ms(reconnect.delay)}${jitter}${growth}, ${most}`;
}

/** The settings that matter when reading a timeline, in one line. */
export function describeSettings(settings: Record<string, unknown> | undefined): string {
  if (settings === undefined) return 'settings unknown (the source sent no context)';
  const heartbeat = isRecord(settings.heartbeat) ? settings.heartbeat : {};
  const reconnect = isRecord(settings.reconnect) ? settings.reconnect : {};
  const ms = (value: unknown): string => (typeof value === 'number' ? duration(value) : String(value));
  const parts = [
    heartbeat.enabled === false ? 'heartbeat off' : `ping after ${ms(heartbeat.interval)} of silence, pong within ${ms(heartbeat.timeout)}`,
    `connect timeout ${ms(settings.connectTimeout)}`,
    `close timeout ${ms(settings.closeTimeout)}`,
    reconnect.enabled === false ? 'no reconnect' : describeRetry(reconnect, ms),
  ];
  return parts.join(' · ');
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
      settings: session.settings,
      retries: typeof context?.retries === 'number' ? context.retries : undefined,
      retryDelay: typeof context?.retryDelay === 'number' ? context.retryDelay : undefined,
      lastReceivedAt: session.lastReceivedAt,
    },
    now,
  );
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
    ['received', `${messages(traffic.received.messages)}, ${bytes(traffic.received.bytes)} · ${traffic.pongs} pong${traffic.pongs === 1 ? '' : 's'}`],
    ['sent', `${messages(traffic.sent.messages)}, ${bytes(traffic.sent.bytes)}${traffic.queued > 0 ? ` · ${traffic.queued} had to wait in the queue` : ''}`],
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
