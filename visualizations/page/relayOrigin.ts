/**
 * Who may use the live view's relay. It carries what watched sockets send and receive (message
 * previews, socket URLs with their tokens) and forwards whatever a client sends to the pages, and
 * any web page may open a WebSocket to 127.0.0.1: without this check, a page of another site open
 * in the developer's browser could read it all and inject events (cross-site WebSocket hijacking).
 * Browsers always send the page's `Origin`; Node processes (the inspector) send none.
 */
import type { AddressInfo } from 'node:net';

/** Addresses the page is reached at through this host's loopback names. */
const LOOPBACK = new Set(['127.0.0.1', '::1', '0.0.0.0', '::']);

/**
 * The origins of the relay's own page, served on `address`: `http://127.0.0.1:port`, and the
 * other spellings of the same place a browser may have opened it by (`localhost`, `[::1]`).
 */
export function pageOrigins({ address, port }: AddressInfo): string[] {
  const hosts = LOOPBACK.has(address) ? ['127.0.0.1', 'localhost', '[::1]'] : [address.includes(':') ? `[${address}]` : address];
  return hosts.map((host) => `http://${host}:${port}`);
}

/**
 * Why a client whose upgrade request carries `origin` is refused; null when it is welcome: the
 * relay's own page (one of `own`), or a process that sends no `Origin`.
 */
export function refusalOf(origin: string | undefined, own: readonly string[]): string | null {
  if (origin === undefined || own.includes(origin)) return null;
  // A page opened from disk and a sandboxed frame both say "null": they cannot be told apart.
  const hint = origin === 'null' ? ' (a page opened from disk, or a sandboxed frame: open the page from the relay)' : '';
  return `the live view's relay accepts its own page (${own.join(', ')}) and processes that send no Origin, not Origin ${origin}${hint}`;
}
