/**
 * The options of `acceptHeartbeats`, their defaults, and their validation: bad input throws at the
 * call, with a message naming the option and the value, as everywhere in heartsocket.
 */
import type { WebSocket } from 'ws';
import { describeValue, optionRangeError, optionTypeError } from '../../machine/optionErrors.js';
import { HEARTBEAT_PING, HEARTBEAT_PONG, MAX_DELAY, rejectUnknownKeys } from '../../machine/settings.js';
import { logServerError, type ServerErrorHandler } from './report.js';
import { resolveSessionSettings, type SessionOptions, type SessionSettings } from './sessions/options.js';

/**
 * Why a client was dropped, as `onDrop` gets it.
 *
 * @example
 * ```ts
 * acceptHeartbeats(wss, {
 *   onDrop: (ws, why: DropReason) => log.warn(`dropped after ${why.silentFor} ms of silence`),
 * });
 * ```
 */
export interface DropReason {
  /** Milliseconds the client had sent nothing (no frame, no byte), the server's own stalls not counted. */
  silentFor: number;
  /** Milliseconds since the last probe (a protocol ping) was sent: it was never answered. */
  probeUnansweredFor: number;
  /**
   * Whether that probe was written to the socket at all: `false` when the client read so little
   * that it stayed queued (dropped then after `maxSilence` since it was sent).
   */
  probeWritten: boolean;
}

/**
 * Options of {@link acceptHeartbeats}: what a heartbeat looks like, and how long a client may stay
 * silent.
 *
 * @example
 * ```ts
 * const options: AcceptHeartbeatsOptions = {
 *   ping: '{"type":"ping"}', // the client's heartbeat.message
 *   pong: '{"type":"pong"}', // what its heartbeat.isPong matches
 *   maxSilence: 30_000,
 *   onPing: () => metrics.increment('heartbeats'),
 *   onDrop: (ws, why) => log.warn('client dropped', why),
 *   onError: (error) => log.error(error),
 * };
 * ```
 */
export interface AcceptHeartbeatsOptions {
  /**
   * The heartbeat ping: a text message exactly equal to this is answered and hidden from the
   * app's `'message'` listeners. Binary messages are never pings.
   * @default 'ping'
   */
  ping?: string;
  /**
   * The answer to a ping, or a function of the connection returning it (called per ping); a
   * function that returns `undefined` leaves that ping unanswered (the client then closes with
   * 4000 after its `heartbeat.timeout`, as it would for a hung server).
   * @default 'pong'
   */
  pong?: string | ((ws: WebSocket) => string | undefined);
  /**
   * Milliseconds a client may go without sending anything (a message, a ping or a pong frame)
   * before it is dropped with `terminate()`; `false` never drops anyone (pings are still
   * answered). A client silent for half of it is sent a protocol ping, which every WebSocket
   * (browsers, undici, `ws`) answers by itself: only a client that is really gone is dropped.
   * Chosen against the client's defaults (`heartbeat.interval` 3000 + `timeout` 3000): an idle
   * heartsocket client speaks at least every 3 s, so 10 s is three missed heartbeats.
   * @default 10000
   */
  maxSilence?: number | false;
  /**
   * Called after each heartbeat ping has been answered (or left unanswered by `pong`), with the
   * connection it came from: for metrics or logs.
   * @default none
   */
  onPing?: (ws: WebSocket) => void;
  /**
   * Called after a client was dropped (terminated) for its silence, with why: for logs, and for a
   * `dropped` counter with labels of your own (the totals are in `heartbeats.stats()`).
   * @default none
   */
  onDrop?: (ws: WebSocket, why: DropReason) => void;
  /**
   * Gets what a hook (`pong`, `onPing`, `onDrop`) threw, with the connection it was called for:
   * the heartbeat goes on (a throwing `pong` leaves that ping unanswered). If `onError` throws
   * too, both errors go to `console.error`.
   * @default logs the error with `console.error`
   */
  onError?: (error: unknown, ws: WebSocket | undefined) => void;
  /**
   * Resumable sessions (docs/protocol.md, docs/server.md "Sessions"): a client that asks for one
   * (`heartsocket-session=1` in its URL) gets messages delivered exactly once and in order across
   * reconnects. Sockets that do not ask are plain sockets, as without this option.
   * @default off
   */
  sessions?: SessionOptions | false;
}

/** The validated options. */
export interface HeartbeatSettings {
  readonly ping: string;
  readonly pong: (ws: WebSocket) => string | undefined;
  /** `Infinity` for `maxSilence: false`. */
  readonly maxSilence: number;
  readonly onPing: ((ws: WebSocket) => void) | undefined;
  readonly onDrop: ((ws: WebSocket, why: DropReason) => void) | undefined;
  readonly onError: ServerErrorHandler;
  /** Undefined when sessions are off. */
  readonly sessions: SessionSettings | undefined;
}

/**
 * The default `maxSilence`: 10 s, more than three times the client's default heartbeat interval.
 *
 * @example
 * ```ts
 * acceptHeartbeats(wss, { maxSilence: 2 * DEFAULT_MAX_SILENCE }); // for clients on slow networks
 * ```
 */
export const DEFAULT_MAX_SILENCE = 10_000;

const OPTION_KEYS = ['ping', 'pong', 'maxSilence', 'onPing', 'onDrop', 'onError', 'sessions'] as const;

function text(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw optionTypeError(name, 'a string', value);
  if (value === '') throw optionRangeError(name, 'a non-empty string', value);
  return value;
}

/**
 * Validates the options of `acceptHeartbeats` and fills in the defaults.
 * @throws {TypeError} a value of the wrong type, or an unknown option name.
 * @throws {RangeError} an empty `ping` or `pong`; a `maxSilence` that is not > 0 and ≤ `MAX_DELAY`.
 */
export function resolveHeartbeatSettings(options: unknown): HeartbeatSettings {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`heartsocket: acceptHeartbeats' options must be an object, got ${describeValue(options)}.`);
  }
  rejectUnknownKeys('', options, OPTION_KEYS);
  const { ping, pong, maxSilence, onPing, onDrop, onError, sessions } = options as AcceptHeartbeatsOptions;
  const pingText = text('ping', ping, HEARTBEAT_PING);

  let answer: HeartbeatSettings['pong'];
  if (typeof pong === 'function') answer = pong;
  else if (pong === undefined || typeof pong === 'string') {
    const fixed = text('pong', pong, HEARTBEAT_PONG);
    answer = () => fixed;
  } else throw optionTypeError('pong', 'a string or a function returning one', pong);

  let silence = DEFAULT_MAX_SILENCE;
  if (maxSilence === false) silence = Infinity;
  else if (maxSilence !== undefined) {
    if (typeof maxSilence !== 'number') throw optionTypeError('maxSilence', 'a number of milliseconds or false', maxSilence);
    if (!(maxSilence > 0 && maxSilence <= MAX_DELAY)) {
      throw optionRangeError('maxSilence', `a number of milliseconds > 0 and ≤ ${MAX_DELAY} (2³¹ − 1, the longest a timer can wait)`, maxSilence);
    }
    silence = maxSilence;
  }

  if (onPing !== undefined && typeof onPing !== 'function') throw optionTypeError('onPing', 'a function', onPing);
  if (onDrop !== undefined && typeof onDrop !== 'function') throw optionTypeError('onDrop', 'a function', onDrop);
  if (onError !== undefined && typeof onError !== 'function') throw optionTypeError('onError', 'a function', onError);
  return { ping: pingText, pong: answer, maxSilence: silence, onPing, onDrop, onError: onError ?? logServerError, sessions: resolveSessionSettings(sessions) };
}
