/**
 * The sockets the hooks hold, counted. A socket is made by the first hook that asks for its key and
 * closed when the last one lets go — a microtask later, so that a hook that lets go and asks again
 * at once keeps it: React's StrictMode (effects run, cleaned up and run again) and a shared socket
 * passed from an unmounting component to a mounting one in the same commit make no second socket.
 */
import { HeartSocket } from '../HeartSocket.js';
import type { UrlSource } from '../url.js';
import { socketOptionsOf, type UseHeartSocketOptions } from './options.js';

interface Entry {
  readonly socket: HeartSocket;
  /** The options the socket was made with: a shared socket's joiners are compared to them. */
  readonly options: UseHeartSocketOptions;
  holders: number;
}

const entries = new Map<string, Entry>();

/** A hold on a socket: `release()` once, when the hook no longer needs it. */
export interface Lease {
  readonly socket: HeartSocket;
  release(): void;
}

/**
 * The socket for `key`, made with `url` and `options` if no one holds one.
 * @throws what `new HeartSocket` throws for a bad URL or option.
 */
export function acquire(key: string, url: UrlSource, options: UseHeartSocketOptions): Lease {
  let entry = entries.get(key);
  if (entry === undefined) {
    const socket = new HeartSocket(url, options.protocols, socketOptionsOf(options));
    entry = { socket, options, holders: 0 };
    entries.set(key, entry);
  } else if (options !== entry.options && isDevelopment() && fingerprint(options) !== fingerprint(entry.options)) {
    console.warn(
      `heartsocket/react: useHeartSocket(${JSON.stringify(String(url))}, { share: true }) joined a shared socket ` +
        'made with other options; the first component\'s options are used, these are ignored. Pass the same ' +
        'options everywhere the URL is shared, or share: false for a socket of its own.',
    );
  }
  const held = entry;
  held.holders++;
  let released = false;
  return {
    socket: held.socket,
    release() {
      if (released) return;
      released = true;
      held.holders--;
      if (held.holders > 0) return;
      queueMicrotask(() => {
        if (held.holders > 0 || entries.get(key) !== held) return;
        entries.delete(key);
        held.socket.close();
      });
    },
  };
}

/** Development builds warn; bundlers replace `process.env.NODE_ENV`, and without one this is a dev setup. */
declare const process: { env: { NODE_ENV?: string } };
function isDevelopment(): boolean {
  try {
    return process.env.NODE_ENV !== 'production';
  } catch {
    return true; // no bundler, no `process`
  }
}

/**
 * The options as data, to tell whether two components asked for the same socket: the hook's own
 * per-component keys left out, functions and class instances by kind (an inline arrow function is
 * a new one at every render), object keys sorted.
 */
function fingerprint(options: UseHeartSocketOptions): string {
  const { share, filter, onOpen, onMessage, onClose, onError, ...socket } = options;
  return JSON.stringify(socket, (_key, value: unknown) => {
    if (typeof value === 'function') return '[function]';
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return '[object]';
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
}
