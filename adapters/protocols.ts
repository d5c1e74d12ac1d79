import { describeValue } from '../machine/optionErrors.js';

/**
 * Subprotocols to ask the server for: a name, a list, or a function (sync or async) called before
 * every attempt.
 *
 * @example
 * ```ts
 * new HeartSocket(url, 'chat.v2');
 * new HeartSocket(url, ['chat.v2', 'chat.v1']);
 * new HeartSocket(url, async () => [`token.${await fetchToken()}`]); // asked again for every attempt
 * ```
 */
export type ProtocolsSource = string | string[] | (() => string | string[] | Promise<string | string[]>);

/** The characters RFC 7230 allows in a token, which is what a subprotocol name must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Checks subprotocols as `new WebSocket(url, protocols)` does.
 * @throws {TypeError} not a string or an array of strings.
 * @throws {SyntaxError} an empty name, one with spaces, commas or other separators, or a repeat.
 */
export function checkProtocols(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((name) => typeof name === 'string')) {
    throw new TypeError(`heartsocket: protocols must be a string or an array of strings, got ${describeValue(value)}.`);
  }
  const invalid = list.find((name) => !TOKEN.test(name));
  if (invalid !== undefined) {
    throw new SyntaxError(
      `heartsocket: protocols: ${JSON.stringify(invalid)} is not a valid subprotocol name (a non-empty token: ` +
        'letters, digits and !#$%&\'*+-.^_`|~, no spaces or commas).',
    );
  }
  if (new Set(list).size !== list.length) {
    throw new SyntaxError(`heartsocket: protocols must not repeat a name, got ${JSON.stringify(list)}.`);
  }
  return list;
}

/** A protocols option as checked at construction: the fixed list (a copy), or the function to ask before each attempt. */
export type CheckedProtocols = readonly string[] | (() => unknown);

const NO_PROTOCOLS: readonly string[] = Object.freeze([]);

/**
 * Checks a protocols option at construction: fixed ones now, so that bad ones throw at the call
 * that gave them, and copied, so that a caller who reuses the array changes nothing; a function is
 * kept, to be called (and its answer checked) before each attempt.
 */
export function checkProtocolsSource(source: unknown): CheckedProtocols {
  if (source === undefined) return NO_PROTOCOLS;
  if (typeof source === 'function') return source as () => unknown;
  return Object.freeze([...checkProtocols(source)]);
}

/** The protocols for the next attempt: the fixed list, or the function's answer (not yet checked). A throw rejects. */
export async function lookUpProtocols(protocols: CheckedProtocols): Promise<unknown> {
  return typeof protocols === 'function' ? await protocols() : protocols;
}
