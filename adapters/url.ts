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

/**
 * Checks a url option at construction. A fixed URL is parsed now, so a bad one throws at the call
 * that gave it; a function is called before each attempt instead.
 * @returns a function that resolves the URL for the next attempt.
 */
export function urlResolver(source: UrlSource): () => Promise<string | URL> {
  if (typeof source === 'function') return async () => source();
  if (typeof source === 'string' || source instanceof URL) {
    const url = toWebSocketUrl(source);
    return () => Promise.resolve(url);
  }
  throw new TypeError(`heartsocket: url must be a string, a URL, or a function returning one, got ${typeof source}.`);
}
