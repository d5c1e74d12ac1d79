/**
 * Where to connect: a URL, or a function called before every attempt (for rotating tokens).
 *
 * @example
 * ```ts
 * new HeartSocket('wss://example.com/feed');
 * new HeartSocket(new URL('/feed', 'wss://example.com'));
 * // A fresh token for every attempt; a throw or rejection counts as a failed attempt:
 * new HeartSocket(async () => `wss://example.com/feed?token=${await fetchToken()}`);
 * ```
 */
export type UrlSource = string | URL | (() => string | URL | Promise<string | URL>);

const SCHEMES: Record<string, string> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };

/**
 * Parses a WebSocket URL the way the WebSocket constructor does: `ws:`/`wss:` (or `http:`/
 * `https:`, mapped to them), no fragment.
 * @throws {SyntaxError} anything else — retrying a bad URL would only loop.
 */
export function toWebSocketUrl(value: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new SyntaxError(`heartsocket: the url ${JSON.stringify(String(value))} is not a valid URL; pass an absolute ws:// or wss:// URL.`);
  }
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined) {
    throw new SyntaxError(`heartsocket: the url ${JSON.stringify(url.href)} has the scheme ${url.protocol}; use ws:// or wss://.`);
  }
  if (url.hash !== '' || url.href.endsWith('#')) {
    throw new SyntaxError(`heartsocket: the url ${JSON.stringify(url.href)} has a fragment (#…); WebSocket URLs cannot have one.`);
  }
  url.protocol = scheme;
  return url.href;
}

/** A url option as checked at construction: the fixed URL, normalised, or the function to ask before each attempt. */
export type CheckedUrl = string | (() => string | URL | Promise<string | URL>);

/**
 * Checks a url option at construction. A fixed URL is parsed now, so a bad one throws at the call
 * that gave it; a function is kept, to be called before each attempt (see {@link lookUpUrl}).
 * (A value, not a closure that resolves it: a closure would cost memory per connection.)
 */
export function checkUrlSource(source: UrlSource): CheckedUrl {
  if (typeof source === 'function') return source;
  if (typeof source === 'string' || source instanceof URL) return toWebSocketUrl(source);
  throw new TypeError(`heartsocket: url must be a string, a URL, or a function returning one, got ${typeof source}.`);
}

/**
 * The URL for the next attempt: the fixed one, or the function's answer (not yet checked: see
 * {@link toWebSocketUrl}). A function that throws rejects, never throws at the caller.
 */
export async function lookUpUrl(url: CheckedUrl): Promise<string | URL> {
  return typeof url === 'function' ? await url() : url;
}
