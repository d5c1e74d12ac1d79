/**
 * The diagrams in words, for a reader who has not read the source ("socket closed [retry
 * allowed]", not `SOCKET.CLOSE [mayReconnect]`), with the watched socket's real timings. Every
 * name of the machine must be in these dictionaries: one that is not makes the generator throw,
 * as `SOCKET_DELAYS` does.
 */
import { DEFAULT_SETTINGS, type SocketSettings } from '../../machine/settings.js';
import { SOCKET_DELAYS, type MachineModel, type StateInfo, type TransitionInfo } from './machineModel.js';

/**
 * The timings a diagram is labelled with: the machine context's `settings` (`SocketSettings`) as
 * JSON, i.e. without its functions. `fromDefaults`: no settings were given, these are
 * `DEFAULT_SETTINGS`, and the view says so.
 */
export type DiagramTimings = Pick<SocketSettings, 'connectTimeout' | 'closeTimeout' | 'startClosed'> & {
  readonly heartbeat: Pick<SocketSettings['heartbeat'], 'enabled' | 'interval' | 'timeout'>;
  /** `maxRetries` may be `Infinity` (sent as JSON, it is `null` or `"Infinity"`: read back as `Infinity`). */
  /** A `delay` function is not JSON: the diagram then shows the default delay. */
  readonly reconnect: Omit<SocketSettings['reconnect'], 'shouldReconnect' | 'delay'> & { readonly delay: number };
  readonly fromDefaults: boolean;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * The timings of a socket from its machine context's `settings` (as the inspector sends them: JSON,
 * functions stripped). `null`/`undefined` gives the defaults, marked `fromDefaults`; a field that is
 * missing or not a number falls back to its default.
 *
 * @example
 * ```ts
 * timingsFromSettings(snapshot.context.settings).heartbeat.timeout; // 1000
 * timingsFromSettings(null).fromDefaults; // true
 * ```
 */
export function timingsFromSettings(settings: unknown): DiagramTimings {
  const given = isObject(settings) ? settings : {};
  const heartbeat = isObject(given.heartbeat) ? given.heartbeat : {};
  const reconnect = isObject(given.reconnect) ? given.reconnect : {};
  const d = DEFAULT_SETTINGS;
  const num = (value: unknown, fallback: number): number => (typeof value === 'number' && !Number.isNaN(value) ? value : fallback);
  const bool = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);
  return {
    heartbeat: {
      enabled: bool(heartbeat.enabled, d.heartbeat.enabled),
      interval: num(heartbeat.interval, d.heartbeat.interval),
      timeout: num(heartbeat.timeout, d.heartbeat.timeout),
    },
    reconnect: {
      enabled: bool(reconnect.enabled, d.reconnect.enabled),
      delay: num(reconnect.delay, d.reconnect.delay),
      factor: num(reconnect.factor, d.reconnect.factor),
      maxDelay: num(reconnect.maxDelay, d.reconnect.maxDelay),
      jitter: num(reconnect.jitter, d.reconnect.jitter),
      // Infinity as JSON: `null` from JSON.stringify (Stately's inspector), "Infinity" from toLiveViewEvent.
      maxRetries:
        reconnect.maxRetries === null || reconnect.maxRetries === 'Infinity' ? Infinity : num(reconnect.maxRetries, d.reconnect.maxRetries),
      minUptime: num(reconnect.minUptime, d.reconnect.minUptime),
    },
    connectTimeout: num(given.connectTimeout, d.connectTimeout),
    closeTimeout: num(given.closeTimeout, d.closeTimeout),
    startClosed: bool(given.startClosed, d.startClosed),
    fromDefaults: !isObject(settings),
  };
}

/** The defaults, for diagrams drawn without a socket. */
export const DEFAULT_TIMINGS: DiagramTimings = timingsFromSettings(null);

/** A delay's value under these timings: the option `SOCKET_DELAYS` names, read from the timings. */
function delayMs(name: string, fallback: number, timings: DiagramTimings): number {
  const option = SOCKET_DELAYS[name]?.option;
  if (option === undefined) return fallback;
  let value: unknown = timings;
  for (const key of option.split('.')) value = isObject(value) ? value[key] : undefined;
  return typeof value === 'number' ? value : fallback;
}

export const ms = (value: number): string => `${value} ms`;

/**
 * The retry wait in words: it varies per attempt (`reconnect.delay × factor^(n−1)`, capped at
 * `maxDelay`, shortened by up to `jitter`).
 *
 * @example
 * ```ts
 * describeRetryDelay({ delay: 1000, factor: 2, maxDelay: 8000, jitter: 0 }); // '1000 ms, ×2 each retry, ≤ 8000 ms'
 * ```
 */
export function describeRetryDelay(reconnect: Pick<DiagramTimings['reconnect'], 'delay' | 'factor' | 'maxDelay' | 'jitter'>): string {
  const parts = [ms(Math.min(reconnect.delay, reconnect.maxDelay))];
  if (reconnect.factor !== 1 && reconnect.delay < reconnect.maxDelay) {
    parts.push(`×${reconnect.factor} each retry`, `≤ ${ms(reconnect.maxDelay)}`);
  }
  let text = parts.join(', ');
  if (reconnect.jitter > 0) text += ` (−${Math.round(reconnect.jitter * 100)}% jitter)`;
  return text;
}

/** Event types in words. A type missing here makes the readable diagrams throw. */
export const EVENT_WORDS: Readonly<Record<string, string>> = {
  'SOCKET.OPEN': 'socket opened',
  'SOCKET.CLOSE': 'socket closed',
  'SOCKET.ERROR': 'socket error',
  'SOCKET.INVALID': 'invalid url or protocols',
  'CALLBACK.THREW': 'a callback threw',
  'PEER.HEARD': 'peer heard',
  'SESSION.HELLO': 'hello',
  'SESSION.READY': 'ready',
  'NETWORK.OFFLINE': 'network offline',
  'NETWORK.ONLINE': 'network online',
  CLOSE: 'close()',
  RECONNECT: 'reconnect()',
  SEND: 'send()',
};

/** Guards in words: when it holds, and when it does not (an `[else]` after it alone). */
export const GUARD_WORDS: Readonly<Record<string, { readonly yes: string; readonly no: string }>> = {
  mayReconnect: { yes: 'retry allowed', no: 'no retry' },
  heartbeatIsOff: { yes: 'heartbeat off', no: 'heartbeat on' },
  peerWasHeardWithinInterval: { yes: 'peer heard meanwhile', no: 'peer silent' },
  pongTimerFiredLate: { yes: 'timer fired late', no: 'timer on time' },
  noSocketYet: { yes: 'no socket yet', no: 'socket exists' },
  startsClosed: { yes: 'startClosed', no: 'not startClosed' },
  hostIsOffline: { yes: 'host offline', no: 'host online' },
  resumeIsOn: { yes: 'resume on', no: 'resume off' },
};

/** The machine's delays in words, with the timings' values. A delay missing here makes the readable diagrams throw. */
export const DELAY_WORDS: Readonly<Record<string, (timings: DiagramTimings) => string>> = {
  heartbeatInterval: (t) => (t.heartbeat.enabled ? `silent ${ms(t.heartbeat.interval)}` : 'never (heartbeat off)'),
  pongTimeout: (t) => (t.heartbeat.enabled ? `no pong in ${ms(t.heartbeat.timeout)}` : 'never (heartbeat off)'),
  pendingInput: () => 'next event-loop turn',
  reconnectDelay: (t) => `retry after ${describeRetryDelay(t.reconnect)}`,
  connectTimeout: (t) => `no open in ${ms(t.connectTimeout)}`,
  closeTimeout: (t) => `no close in ${ms(t.closeTimeout)}`,
  minUptime: (t) => `open ${ms(t.reconnect.minUptime)}`,
  handshakeTimeout: () => 'no answer in resume.timeout',
};

/**
 * What actions do, for the few a reader needs ("sends a ping"); `null`: not shown. Every action of
 * the machine is listed, so a new one makes the readable diagrams throw until it is decided here.
 */
export const ACTION_WORDS: Readonly<Record<string, string | null>> = {
  flushQueue: 'sends what was queued',
  transmit: null,
  discardQueue: 'hands back what was queued',
  refuseSend: null,
  sendPing: 'sends a ping',
  notePingSent: null,
  closeSocketAsAsked: null,
  closeSocketForSilence: 'closes with 4000',
  letSocketGo: null,
  announceOpen: null,
  announceError: 'reports an error',
  reportClose: null,
  scheduleRetry: null,
  resetRetries: 'retry count reset',
  acknowledge: null,
  endHandshake: null,
  deliverHeldFrame: null,
  announceSession: null,
  concludeUnsupported: null,
  closeSocketForHandshake: 'closes with 4002',
};

/** The flat states' one-line descriptions (the six states' tags, as `stateNameOf` names them). */
export const FLAT_STATE_WORDS = {
  connecting: 'opening handshake',
  open: 'messages flow',
  awaitingPong: 'ping sent, waiting',
  closing: 'closing handshake',
  reconnectWait: 'waiting to retry',
  closed: 'no socket',
} as const;

export type FlatStateName = keyof typeof FLAT_STATE_WORDS;

export function lookup<T>(dictionary: Readonly<Record<string, T>>, name: string, what: string, where: string): T {
  if (!Object.prototype.hasOwnProperty.call(dictionary, name)) {
    throw new Error(
      `visualizations: the machine has ${what} "${name}" that ${where} (visualizations/diagram/diagramWords.ts) does not describe; ` +
        'add its wording there.',
    );
  }
  return dictionary[name]!;
}

/** The trigger of a transition in words: the event, the timer with its real duration, or `always`. */
export function readableTrigger(transition: TransitionInfo, timings: DiagramTimings = DEFAULT_TIMINGS): string {
  if (transition.delay !== null) {
    if (transition.delay.name === null) return `after ${ms(transition.delay.defaultMs)}`;
    return lookup(DELAY_WORDS, transition.delay.name, 'a delay', 'DELAY_WORDS')(timings);
  }
  if (transition.eventType === '') return 'at once';
  return lookup(EVENT_WORDS, transition.eventType, 'an event', 'EVENT_WORDS');
}

/** The guards of the transitions before this one for the same event from the same state. */
export function guardsBefore(transition: TransitionInfo, model: MachineModel): string[] {
  const guards: string[] = [];
  for (const other of model.transitions) {
    if (other.id === transition.id) break;
    if (other.source === transition.source && other.eventType === transition.eventType && other.guard !== null) guards.push(other.guard);
  }
  return guards;
}

/** The condition in words, without brackets; `null` when there is none. */
export function readableCondition(transition: TransitionInfo, model: MachineModel): string | null {
  if (transition.guard !== null) {
    const negated = transition.guard.startsWith('!');
    const words = lookup(GUARD_WORDS, negated ? transition.guard.slice(1) : transition.guard, 'a guard', 'GUARD_WORDS');
    return negated ? words.no : words.yes;
  }
  if (!transition.isElse) return null;
  const before = guardsBefore(transition, model);
  if (before.length === 1 && !before[0]!.startsWith('!')) return lookup(GUARD_WORDS, before[0]!, 'a guard', 'GUARD_WORDS').no;
  return 'otherwise';
}

/** What a transition's actions do, in words, for those {@link ACTION_WORDS} shows. */
function actionWords(actions: readonly string[]): string[] {
  return actions.map((action) => lookup(ACTION_WORDS, action, 'an action', 'ACTION_WORDS')).filter((words) => words !== null);
}

/**
 * A transition's label in words with the socket's timings: "no pong in 1000 ms", "socket closed
 * [retry allowed]"; a targetless one adds what it does ("open 5000 ms / retry count reset").
 */
export function readableLabel(transition: TransitionInfo, model: MachineModel, timings: DiagramTimings = DEFAULT_TIMINGS): string {
  const condition = readableCondition(transition, model);
  let label = readableTrigger(transition, timings) + (condition === null ? '' : ` [${condition}]`);
  if (transition.targets.length === 0) {
    const effects = actionWords(transition.actions);
    if (effects.length > 0) label += ` / ${effects.join(', ')}`;
  }
  return label;
}

/**
 * Checks that the dictionaries describe every event, guard, delay and action of the model, and
 * throws naming the first that is missing: a view that leaves some out must still not drift.
 */
export function assertWording(model: MachineModel): void {
  for (const state of model.states) actionWords([...state.entry, ...state.exit]);
  for (const transition of model.transitions) {
    readableLabel(transition, model);
    actionWords(transition.actions);
  }
}

/** The machine's own label, with a timer's value from the timings instead of its default. */
export function technicalLabel(transition: TransitionInfo, timings: DiagramTimings): string {
  const delay = transition.delay;
  if (delay === null || delay.name === null) return transition.label;
  const trigger = `after ${delay.name} (${ms(delayMs(delay.name, delay.defaultMs, timings))})`;
  return trigger + transition.label.slice(transition.trigger.length);
}

/** What a state shows inside its box, in words: what its entry does, its targetless transitions. */
export function readableInternalLines(state: StateInfo, model: MachineModel, timings: DiagramTimings): string[] {
  return [
    ...actionWords(state.entry).map((words) => `on entry: ${words}`),
    ...actionWords(state.exit).map((words) => `on exit: ${words}`),
    ...model.transitions
      .filter((t) => t.source === state.id && t.targets.length === 0)
      .filter((t) => t.actions.length === 0 || actionWords(t.actions).length > 0)
      .map((t) => readableLabel(t, model, timings)),
  ];
}
