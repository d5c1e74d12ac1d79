/**
 * The timing and retry policy of one connection: the options a user passes, their defaults, and
 * the validation that turns them into the `SocketSettings` the machine reads from its context.
 *
 * The defaults live in one place, `DEFAULT_SETTINGS`; the README's options table and the
 * `@default` tags below are checked against it by `tests/docs/defaults.test.ts`.
 *
 * `heartbeat: false` turns the heartbeat off; `reconnect: false` turns reconnecting off.
 */

import { optionRangeError, optionTypeError } from './optionErrors.js';

/**
 * How a socket ended: the fields of a WebSocket `CloseEvent`.
 *
 * @example
 * ```ts
 * const shouldReconnect = (close: CloseInfo) => close.code !== 4001; // 4001: the server's "go away"
 * new HeartSocket(url, [], { reconnect: { shouldReconnect } });
 * ```
 */
export interface CloseInfo {
  /** The close code (1000 normal, 1006 no close frame, 4000 heartbeat timeout, …). */
  readonly code: number;
  /** The close reason; `''` when none was given. */
  readonly reason: string;
  /** Whether the closing handshake completed. */
  readonly wasClean: boolean;
}

/**
 * What a ping may carry.
 *
 * @example
 * ```ts
 * const heartbeat = { message: (): PingPayload => JSON.stringify({ type: 'ping', at: Date.now() }) };
 * ```
 */
export type PingPayload = string | ArrayBuffer | ArrayBufferView;

/**
 * Heartbeat options: how silence is detected.
 *
 * @example
 * ```ts
 * const heartbeat: HeartbeatOptions = {
 *   interval: 10_000, // ping after 10 s without a message
 *   timeout: 5000, // close if nothing arrives 5 s after the ping
 *   message: '{"type":"ping"}',
 *   isPong: (data) => data === '{"type":"pong"}', // not delivered as a message
 * };
 * ```
 */
export interface HeartbeatOptions {
  /** Milliseconds without any incoming message after which a ping is sent. @default 3000 */
  interval?: number;
  /** Milliseconds to wait for any incoming message after the ping before closing. @default 3000 */
  timeout?: number;
  /** The ping: a string, binary data, or a function returning one (called per ping). @default 'ping' */
  message?: PingPayload | (() => PingPayload);
  /**
   * Messages this returns `true` for are treated as pongs: consumed, never delivered.
   * @default (data) => data === 'pong' — the answer of `heartsocket/server`
   */
  isPong?: (data: unknown) => boolean;
  /**
   * Send WebSocket protocol ping frames instead of `message` when the socket has `ping()` (the
   * `ws` package); protocol pongs then prove liveness. Ignored for sockets without `ping()`.
   * @default false
   */
  protocol?: boolean;
}

/**
 * Reconnect options: when and how often to try again.
 *
 * @example
 * ```ts
 * const reconnect: ReconnectOptions = {
 *   delay: 1000, factor: 2, maxDelay: 30_000, jitter: 0.5, // 1 s, 2 s, 4 s … 30 s, minus up to half
 *   maxRetries: 20,
 *   shouldReconnect: (close) => close.code !== 4001,
 * };
 * ```
 */
export interface ReconnectOptions {
  /**
   * Milliseconds before the first retry (then multiplied by `factor`, capped by `maxDelay`, with
   * `jitter`); or a function of the retry number (1 for the first) that gives the whole wait in
   * milliseconds, used as it is — `factor`, `maxDelay` and `jitter` are then not allowed. A
   * function that throws or returns no valid wait is reported (an `error` event) and the default
   * delay is used for that retry.
   * @default 4000
   */
  delay?: number | ((retry: number) => number);
  /** Each failed attempt multiplies the wait by this (1 = fixed delay). @default 1 */
  factor?: number;
  /** Upper bound of the wait, in milliseconds. @default 30000 */
  maxDelay?: number;
  /** 0..1: the wait is `base × (1 − jitter × random)`, spreading a crowd of clients. @default 0 */
  jitter?: number;
  /** Failed attempts in a row before giving up (an integer, or `Infinity`). @default Infinity */
  maxRetries?: number;
  /** A connection open this long (ms) resets the retry count and the backoff. @default 5000 */
  minUptime?: number;
  /** Asked after every close the user did not request; `false` ends in `closed`. @default () => true */
  shouldReconnect?: (close: CloseInfo) => boolean;
}

/**
 * The policy options: everything about timing and retrying.
 *
 * @example
 * ```ts
 * const policy: PolicyOptions = { heartbeat: false, reconnect: { maxRetries: 5 }, connectTimeout: 5000 };
 * ```
 */
export interface PolicyOptions {
  /** Heartbeat options, or `false` for none. */
  heartbeat?: HeartbeatOptions | false;
  /** Reconnect options, or `false` to never reconnect. */
  reconnect?: ReconnectOptions | false;
  /**
   * Milliseconds the opening handshake may take before the attempt is abandoned (1006 `connect
   * timeout`); the reconnect policy then decides, as for any close: a retry, or `closed`. @default 10000
   */
  connectTimeout?: number;
  /** Milliseconds the closing handshake may take before the socket is abandoned. @default 1000 */
  closeTimeout?: number;
  /**
   * Start in `closed` without connecting; `send()` queues until the first `reconnect()`.
   * @default false
   */
  startClosed?: boolean;
}

/**
 * The validated policy the machine reads from its context.
 *
 * @example
 * ```ts
 * const settings: SocketSettings = resolveSettings({ heartbeat: { interval: 1000 } });
 * settings.heartbeat.timeout; // 3000, the default
 * ```
 */
export interface SocketSettings {
  /** The heartbeat policy; `enabled: false` for `heartbeat: false`. */
  readonly heartbeat: {
    readonly enabled: boolean;
    readonly interval: number;
    readonly timeout: number;
    readonly message: PingPayload | (() => PingPayload);
    readonly isPong: ((data: unknown) => boolean) | undefined;
    readonly protocol: boolean;
  };
  /** The reconnect policy; `enabled: false` for `reconnect: false`. */
  readonly reconnect: {
    readonly enabled: boolean;
    /** Milliseconds, or the user's function of the retry number (see {@link ReconnectOptions.delay}). */
    readonly delay: number | ((retry: number) => number);
    readonly factor: number;
    readonly maxDelay: number;
    readonly jitter: number;
    readonly maxRetries: number;
    readonly minUptime: number;
    readonly shouldReconnect: (close: CloseInfo) => boolean;
  };
  /** Milliseconds the opening handshake may take. */
  readonly connectTimeout: number;
  /** Milliseconds the closing handshake may take. */
  readonly closeTimeout: number;
  /** Whether the machine starts in `closed`, waiting for `reconnect()`. */
  readonly startClosed: boolean;
}

/**
 * The heartbeat's convention, shared by both halves (`heartsocket/server` answers it): the client
 * sends `'ping'`, the server answers `'pong'`, and neither side's app sees them.
 *
 * @example
 * ```ts
 * ws.on('message', (data) => { if (String(data) === HEARTBEAT_PING) ws.send(HEARTBEAT_PONG); });
 * ```
 */
export const HEARTBEAT_PING = 'ping';
/**
 * The server's answer to {@link HEARTBEAT_PING}; by default the client consumes it (`heartbeat.isPong`).
 *
 * @example
 * ```ts
 * new HeartSocket(url, [], { heartbeat: { isPong: (data) => data === HEARTBEAT_PONG } }); // the default
 * ```
 */
export const HEARTBEAT_PONG = 'pong';

/** The default `heartbeat.isPong`: the convention's answer, `'pong'`, and nothing else. */
const isConventionalPong = (data: unknown): boolean => data === HEARTBEAT_PONG;

/**
 * The defaults of every option, frozen.
 *
 * @example
 * ```ts
 * DEFAULT_SETTINGS.reconnect.delay; // 4000
 * DEFAULT_SETTINGS.heartbeat.interval; // 3000
 * ```
 */
export const DEFAULT_SETTINGS: SocketSettings & { readonly reconnect: { readonly delay: number } } = Object.freeze({
  heartbeat: Object.freeze({
    enabled: true,
    interval: 3000,
    timeout: 3000,
    message: HEARTBEAT_PING,
    isPong: isConventionalPong,
    protocol: false,
  }),
  reconnect: Object.freeze({
    enabled: true,
    delay: 4000,
    factor: 1,
    maxDelay: 30000,
    jitter: 0,
    maxRetries: Infinity,
    minUptime: 5000,
    shouldReconnect: () => true,
  }),
  connectTimeout: 10000,
  closeTimeout: 1000,
  startClosed: false,
});

/**
 * The longest duration any option may have: 2³¹ − 1 ms (about 24.8 days). Browsers' and Node's
 * timers fire at once for anything longer, which would turn a "never" into a storm.
 *
 * @example
 * ```ts
 * new HeartSocket(url, [], { connectTimeout: MAX_DELAY }); // the longest wait there is
 * ```
 */
export const MAX_DELAY = 2 ** 31 - 1;

/**
 * A duration in ms: ≥ 0 (or > 0 where zero would make no sense), and no longer than a timer can
 * wait; `fallback` when not given. For every duration option (heartsocket/resume's `timeout` too).
 * @internal
 */
export function duration(name: string, value: unknown, fallback: number, positive = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw optionTypeError(name, 'a number of milliseconds', value);
  if (!(value >= 0 && value <= MAX_DELAY) || (positive && value === 0)) {
    throw optionRangeError(
      name,
      `a number of milliseconds ${positive ? '> 0' : '≥ 0'} and ≤ ${MAX_DELAY} (2³¹ − 1, the longest a timer can wait)`,
      value,
    );
  }
  return value;
}

function numberIn(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw optionTypeError(name, 'a number', value);
  if (!(value >= min && value <= max)) throw optionRangeError(name, `a number from ${min} to ${max}`, value);
  return value;
}

function retryCount(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw optionTypeError(name, 'a whole number or Infinity', value);
  if (value !== Infinity && !(Number.isInteger(value) && value >= 0)) {
    throw optionRangeError(name, 'a whole number ≥ 0, or Infinity', value);
  }
  return value;
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionTypeError(name, 'a boolean', value);
  return value;
}

function optionalFunction<F>(name: string, value: unknown, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw optionTypeError(name, 'a function', value);
  return value as F;
}

function isPingPayload(value: unknown): value is PingPayload {
  return typeof value === 'string' || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/**
 * Throws a TypeError for a key that is not an option: a typo must not pass as a default.
 * `prefix` names where the options sit (`'heartbeat.'`; `''` at the top).
 */
export function rejectUnknownKeys(prefix: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new TypeError(`heartsocket: unknown option ${prefix}${key}; the options here are ${known.join(', ')}.`);
    }
  }
}

function section<T extends object>(name: string, value: unknown): T | false | undefined {
  if (value === undefined || value === false) return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw optionTypeError(name, 'an object or false', value);
  }
  return value as T;
}

function resolveHeartbeat(value: unknown): SocketSettings['heartbeat'] {
  const defaults = DEFAULT_SETTINGS.heartbeat;
  const options = section<HeartbeatOptions>('heartbeat', value);
  // No heartbeat, no pongs: every message, 'pong' too, is the app's.
  if (options === false) return { ...defaults, enabled: false, isPong: undefined };
  if (options === undefined) return defaults;
  rejectUnknownKeys('heartbeat.', options, ['interval', 'timeout', 'message', 'isPong', 'protocol']);
  const message = options.message ?? defaults.message;
  if (!isPingPayload(message) && typeof message !== 'function') {
    throw optionTypeError('heartbeat.message', 'a string, ArrayBuffer, typed array, or a function returning one', message);
  }
  return {
    enabled: true,
    interval: duration('heartbeat.interval', options.interval, defaults.interval, true),
    timeout: duration('heartbeat.timeout', options.timeout, defaults.timeout, true),
    message,
    isPong: optionalFunction('heartbeat.isPong', options.isPong, defaults.isPong),
    protocol: flag('heartbeat.protocol', options.protocol, defaults.protocol),
  };
}

function resolveReconnect(value: unknown): SocketSettings['reconnect'] {
  const defaults = DEFAULT_SETTINGS.reconnect;
  const options = section<ReconnectOptions>('reconnect', value);
  if (options === false) return { ...defaults, enabled: false };
  if (options === undefined) return defaults;
  rejectUnknownKeys('reconnect.', options, [
    'delay', 'factor', 'maxDelay', 'jitter', 'maxRetries', 'minUptime', 'shouldReconnect',
  ]);
  if (options.delay !== undefined && typeof options.delay !== 'number' && typeof options.delay !== 'function') {
    throw optionTypeError('reconnect.delay', 'a number of milliseconds, or a function of the retry number returning one', options.delay);
  }
  if (typeof options.delay === 'function') {
    // The function gives the whole wait: a factor, cap or jitter beside it would be silently ignored.
    for (const key of ['factor', 'maxDelay', 'jitter'] as const) {
      if (options[key] !== undefined) {
        throw optionTypeError(`reconnect.${key}`, 'left out when reconnect.delay is a function (the function gives the whole wait)', options[key]);
      }
    }
  }
  const factor = options.factor ?? defaults.factor;
  if (typeof factor !== 'number') throw optionTypeError('reconnect.factor', 'a number', factor);
  if (!(Number.isFinite(factor) && factor >= 1)) throw optionRangeError('reconnect.factor', 'a finite number ≥ 1', factor);
  return {
    enabled: true,
    delay: typeof options.delay === 'function' ? options.delay : duration('reconnect.delay', options.delay, defaults.delay),
    factor,
    maxDelay: duration('reconnect.maxDelay', options.maxDelay, defaults.maxDelay),
    jitter: numberIn('reconnect.jitter', options.jitter, defaults.jitter, 0, 1),
    maxRetries: retryCount('reconnect.maxRetries', options.maxRetries, defaults.maxRetries),
    minUptime: duration('reconnect.minUptime', options.minUptime, defaults.minUptime),
    shouldReconnect: optionalFunction('reconnect.shouldReconnect', options.shouldReconnect, defaults.shouldReconnect),
  };
}

/**
 * The policy option names, for callers that validate a wider options object.
 *
 * @example
 * ```ts
 * const { heartbeat, reconnect, connectTimeout, closeTimeout, ...rest } = options;
 * // POLICY_OPTION_KEYS: ['heartbeat', 'reconnect', 'connectTimeout', 'closeTimeout', 'startClosed']
 * ```
 */
export const POLICY_OPTION_KEYS = ['heartbeat', 'reconnect', 'connectTimeout', 'closeTimeout', 'startClosed'] as const;

/**
 * Validates the policy options and fills in the defaults.
 *
 * @example
 * ```ts
 * resolveSettings({ reconnect: { delay: 500 } }).reconnect.maxDelay; // 30000
 * resolveSettings({ reconnect: { dealy: 500 } }); // TypeError: heartsocket: unknown option reconnect.dealy; …
 * ```
 * @throws {RangeError} a duration that is negative, NaN or infinite; jitter outside 0..1; a
 *   retry count that is not a whole number.
 * @throws {TypeError} a value of the wrong type, or an unknown option name.
 */
export function resolveSettings(options: PolicyOptions = {}): SocketSettings {
  return {
    heartbeat: resolveHeartbeat(options.heartbeat),
    reconnect: resolveReconnect(options.reconnect),
    connectTimeout: duration('connectTimeout', options.connectTimeout, DEFAULT_SETTINGS.connectTimeout, true),
    closeTimeout: duration('closeTimeout', options.closeTimeout, DEFAULT_SETTINGS.closeTimeout),
    startClosed: flag('startClosed', options.startClosed, DEFAULT_SETTINGS.startClosed),
  };
}
