/**
 * The `sessions` options of `acceptHeartbeats`, their defaults (docs/protocol.md, "What each side
 * keeps, and the limits") and their validation.
 */
import type { IncomingMessage } from 'node:http';
import { optionRangeError, optionTypeError } from '../../../machine/optionErrors.js';
import { MAX_DELAY, rejectUnknownKeys } from '../../../machine/settings.js';
import type { Session } from './session.js';
import { MemorySessionStore, type SessionStore } from './store.js';

/**
 * Options of resumable sessions (`acceptHeartbeats(wss, { sessions: {...} })`): docs/protocol.md.
 *
 * @example
 * ```ts
 * acceptHeartbeats(wss, {
 *   sessions: {
 *     onSession(session, request) {
 *       session.on('message', (data) => session.send(`echo: ${data}`));
 *       session.on('end', (reason) => console.log(session.id, 'ended', reason));
 *     },
 *     ttl: 60_000,
 *     authorize: (request, session) => userOf(request) === ownerOf(session.id),
 *   },
 * });
 * ```
 */
export interface SessionOptions {
  /**
   * Called for every new session (after `start`, or in place of a failed resume), with the
   * upgrade request of the socket that began it. Not called on a resume: the session lives on.
   * @default none
   */
  onSession?: (session: Session, request: IncomingMessage) => void;
  /**
   * Milliseconds a session is kept after its socket went away; then it ends with `expired`.
   * @default 120000
   */
  ttl?: number;
  /**
   * Messages the server keeps until the client acknowledges them; one more ends the session
   * with `overflow`.
   * @default 1000
   */
  maxMessages?: number;
  /**
   * Bytes of those messages; one more that does not fit ends the session with `overflow`.
   * @default 262144 (256 KiB)
   */
  maxBytes?: number;
  /**
   * An explicit `␐ack` is sent after this many messages received without one (and at least once
   * per sweep while anything received is unacknowledged).
   * @default 64
   */
  ackEvery?: number;
  /**
   * Where sessions are kept, by id.
   * @default a new {@link MemorySessionStore}
   */
  store?: SessionStore;
  /**
   * May refuse a resume (e.g. the request's user is not the session's): `false` (or a throw,
   * reported to `onError`) answers `session <new id> unknown` and begins a new session.
   * @default every resume is allowed
   */
  authorize?: (request: IncomingMessage, session: Session) => boolean;
}

/** The validated `sessions` options. */
export interface SessionSettings {
  readonly onSession: ((session: Session, request: IncomingMessage) => void) | undefined;
  readonly ttl: number;
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly ackEvery: number;
  readonly store: SessionStore;
  readonly authorize: ((request: IncomingMessage, session: Session) => boolean) | undefined;
}

/**
 * The defaults of the `sessions` options, sized for 10,000 sessions on one process.
 *
 * @example
 * ```ts
 * acceptHeartbeats(wss, { sessions: { ttl: 2 * SESSION_DEFAULTS.ttl } });
 * ```
 */
export const SESSION_DEFAULTS = { ttl: 120_000, maxMessages: 1000, maxBytes: 256 * 1024, ackEvery: 64 } as const;

const SESSION_KEYS = ['onSession', 'ttl', 'maxMessages', 'maxBytes', 'ackEvery', 'store', 'authorize'] as const;
const STORE_METHODS = ['get', 'set', 'delete', 'values'] as const;

function wholeCount(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw optionTypeError(name, 'a whole number', value);
  if (!Number.isSafeInteger(value) || value < 1) throw optionRangeError(name, 'a whole number ≥ 1', value);
  return value;
}

function optionalFunction<T>(name: string, value: unknown): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw optionTypeError(name, 'a function', value);
  return value as T | undefined;
}

/**
 * Validates `options.sessions`; undefined when sessions are off (`undefined` or `false`).
 * @throws {TypeError} a value of the wrong type, or an unknown option name.
 * @throws {RangeError} a `ttl` not > 0 and ≤ `MAX_DELAY`; a count not a whole number ≥ 1.
 */
export function resolveSessionSettings(value: unknown): SessionSettings | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw optionTypeError('sessions', 'an object or false', value);
  }
  rejectUnknownKeys('sessions.', value, SESSION_KEYS);
  const options = value as SessionOptions;

  let ttl: number = SESSION_DEFAULTS.ttl;
  if (options.ttl !== undefined) {
    if (typeof options.ttl !== 'number') throw optionTypeError('sessions.ttl', 'a number of milliseconds', options.ttl);
    if (!(options.ttl > 0 && options.ttl <= MAX_DELAY)) {
      throw optionRangeError('sessions.ttl', `a number of milliseconds > 0 and ≤ ${MAX_DELAY}`, options.ttl);
    }
    ttl = options.ttl;
  }

  const store = options.store ?? new MemorySessionStore();
  if (typeof store !== 'object' || store === null || STORE_METHODS.some((method) => typeof store[method] !== 'function')) {
    throw optionTypeError('sessions.store', `a SessionStore (an object with ${STORE_METHODS.join(', ')})`, store);
  }

  return {
    onSession: optionalFunction('sessions.onSession', options.onSession),
    ttl,
    maxMessages: wholeCount('sessions.maxMessages', options.maxMessages, SESSION_DEFAULTS.maxMessages),
    maxBytes: wholeCount('sessions.maxBytes', options.maxBytes, SESSION_DEFAULTS.maxBytes),
    ackEvery: wholeCount('sessions.ackEvery', options.ackEvery, SESSION_DEFAULTS.ackEvery),
    store,
    authorize: optionalFunction('sessions.authorize', options.authorize),
  };
}
