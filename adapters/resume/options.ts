import { optionRangeError, optionTypeError } from '../../machine/optionErrors.js';
import { duration, rejectUnknownKeys } from '../../machine/settings.js';

/**
 * The options of `resumable()`.
 *
 * @example
 * ```ts
 * const options: ResumableOptions = { maxMessages: 500, maxBytes: 256 * 1024, ackEvery: 32, timeout: 3000 };
 * ```
 */
export interface ResumableOptions {
  /** Most messages kept unacknowledged (written, or queued to be); one more makes `send()` throw `QUEUE_FULL`. @default 1000 */
  maxMessages?: number;
  /** Most bytes kept unacknowledged (UTF-8 for text); one more message past it makes `send()` throw `QUEUE_FULL`. @default 1048576 */
  maxBytes?: number;
  /**
   * An explicit `␐ack` after this many messages received without one; written when the run of
   * messages read together has been delivered, with the last count. @default 64
   */
  ackEvery?: number;
  /** Milliseconds for the server's `hello` after the socket opens, and again for its answer to `start`/`resume`. @default 5000 */
  timeout?: number;
}

/**
 * `resumable()`'s options, validated, with the defaults in.
 *
 * @example
 * ```ts
 * const settings: ResumeSettings = { ...RESUME_DEFAULTS, maxMessages: 200 };
 * ```
 */
export type ResumeSettings = Required<ResumableOptions>;

/**
 * The defaults of `resumable()` (docs/protocol.md, "What each side keeps").
 *
 * @example
 * ```ts
 * console.log(RESUME_DEFAULTS.maxMessages); // 1000
 * ```
 */
export const RESUME_DEFAULTS: Readonly<ResumeSettings> = Object.freeze({
  maxMessages: 1000,
  maxBytes: 1024 * 1024,
  ackEvery: 64,
  timeout: 5000,
});

const KEYS = Object.keys(RESUME_DEFAULTS);

function count(name: keyof ResumableOptions, value: unknown, allowInfinity: boolean): number {
  if (typeof value !== 'number') throw optionTypeError(`resume.${name}`, 'a number', value);
  if (!((allowInfinity && value === Infinity) || (Number.isInteger(value) && value >= 1))) {
    throw optionRangeError(`resume.${name}`, allowInfinity ? 'a whole number ≥ 1 or Infinity' : 'a whole number ≥ 1', value);
  }
  return value;
}

/** Checks `resumable()`'s options; a bad one throws TypeError/RangeError naming it and its value. */
export function resolveResumeSettings(options: unknown): ResumeSettings {
  if (options === undefined) return RESUME_DEFAULTS;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionTypeError('resume', 'an object like { maxMessages: 1000 }', options);
  }
  rejectUnknownKeys('resume.', options, KEYS);
  const given = options as ResumableOptions;
  return {
    maxMessages: count('maxMessages', given.maxMessages ?? RESUME_DEFAULTS.maxMessages, true),
    maxBytes: count('maxBytes', given.maxBytes ?? RESUME_DEFAULTS.maxBytes, true),
    ackEvery: count('ackEvery', given.ackEvery ?? RESUME_DEFAULTS.ackEvery, false),
    // A duration as every other: a timer cannot wait longer than MAX_DELAY (it would fire at once).
    timeout: duration('resume.timeout', given.timeout, RESUME_DEFAULTS.timeout, true),
  };
}
