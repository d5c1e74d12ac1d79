/**
 * The errors of a bad option, for every validator in heartsocket (the client's options, the
 * server half's): they name the option and show the value, as `got …`.
 */

/**
 * A value as an error message shows it: strings quoted, `10n` for a bigint, arrays as JSON, and a
 * word for what has no useful text (`a function`, `an object`).
 *
 * @example
 * ```ts
 * describeValue('3s'); // '"3s"'
 * describeValue([1, 2]); // '[1,2]'
 * describeValue({ interval: 1 }); // 'an object'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (Array.isArray(value)) {
    try {
      return JSON.stringify(value);
    } catch {
      return 'an array';
    }
  }
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * `TypeError: heartsocket: options.<name> must be <rule>, got <value>.`
 *
 * @example
 * ```ts
 * throw optionTypeError('heartbeat.interval', 'a number of milliseconds', '3s');
 * ```
 */
export function optionTypeError(name: string, rule: string, value: unknown): TypeError {
  return new TypeError(`heartsocket: options.${name} must be ${rule}, got ${describeValue(value)}.`);
}

/**
 * `RangeError: heartsocket: options.<name> must be <rule>, got <value>.`
 *
 * @example
 * ```ts
 * throw optionRangeError('reconnect.jitter', 'a number from 0 to 1', 2);
 * ```
 */
export function optionRangeError(name: string, rule: string, value: unknown): RangeError {
  return new RangeError(`heartsocket: options.${name} must be ${rule}, got ${describeValue(value)}.`);
}
