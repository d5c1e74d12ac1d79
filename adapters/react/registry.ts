/**
 * The sockets the hooks hold, counted. A socket is made by the first hook that asks for its key and
 * closed when the last one lets go — a microtask later, so that a hook that lets go and asks again
 * at once keeps it: React's StrictMode (effects run, cleaned up and run again) and a shared socket
 * passed from an unmounting component to a mounting one in the same commit make no second socket.
 *
 * The holders are kept in order: the first one leads — its latest render's function options (and
 * url function) are the ones the socket calls. That is the component that made the socket until it
 * lets go, then the next one that joined.
 */
import type { UrlSource } from '../url.js';
import { HookSocket } from './hookSocket.js';
import { withLatestFunctions } from './latestFunctions.js';
import { socketOptionsOf, type UseHeartSocketOptions } from './options.js';

/** What a hook gives the registry: its latest URL and options (updated at each render). */
export interface Holder {
  readonly url: UrlSource;
  readonly options: UseHeartSocketOptions;
}

interface Entry {
  readonly socket: HookSocket;
  /** The URL and options the socket was made with: a shared socket's joiners are compared to them. */
  readonly url: UrlSource;
  readonly options: UseHeartSocketOptions;
  /** In the order they joined; the first leads. */
  readonly holders: Holder[];
  /** `fingerprint(options)`, once asked for. */
  fingerprint?: string;
}

const entries = new Map<string, Entry>();

/** A hold on a socket: `release()` once, when the hook no longer needs it. */
export interface Lease {
  readonly socket: HookSocket;
  /**
   * In development, warns (once) when the holder's latest options differ from those the socket
   * was made with in what only a new socket applies: a value, or a function added or removed.
   */
  checkOptions(): void;
  release(): void;
}

/**
 * The socket for `key`, made with the holder's URL and options if no one holds one.
 * @throws what `new HeartSocket` throws for a bad URL or option.
 */
export function acquire(key: string, holder: Holder): Lease {
  let entry = entries.get(key);
  // One warning per holder at most: on joining with other options, or on changing them later.
  let warned = false;
  if (entry === undefined) entry = create(key, holder);
  else if (isDevelopment() && differs(holder, entry)) {
    warned = true;
    console.warn(
      `heartsocket/react: useHeartSocket(${describeUrl(holder.url)}, { share: ${JSON.stringify(holder.options.share)} }) joined a shared socket ` +
        'made with other options; the first component\'s options are used, these are ignored. Pass the same ' +
        'options everywhere the socket is shared, or share: false for a socket of its own.',
    );
  }
  const held = entry;
  held.holders.push(holder);
  let released = false;
  return {
    socket: held.socket,
    checkOptions() {
      if (warned || released || !isDevelopment() || holder.options === held.options) return;
      if (fingerprint(holder.options) === (held.fingerprint ??= fingerprint(held.options))) return;
      warned = true;
      console.warn(
        `heartsocket/react: useHeartSocket(${describeUrl(holder.url)})'s socket options changed after the socket was made; ` +
          'they take a new socket, so these are ignored: give the hook a new URL (or remount it) to apply them. ' +
          '(Changing an inline function is fine: the latest one is called.)',
      );
    },
    release() {
      if (released) return;
      released = true;
      held.holders.splice(held.holders.indexOf(holder), 1);
      if (held.holders.length > 0) return;
      queueMicrotask(() => {
        if (held.holders.length > 0 || entries.get(key) !== held) return;
        entries.delete(key);
        held.socket.close();
      });
    },
  };
}

function create(key: string, creator: Holder): Entry {
  const { url, options } = creator;
  // The leader's latest render, or the creator's first one when no one holds the socket (its
  // close handshake, a microtask after the last release). Made before the socket: a sync url
  // function is called within its constructor.
  const holders: Holder[] = [];
  const leader = (): Holder => holders[0] ?? creator;
  const source: UrlSource =
    typeof url === 'function'
      ? () => {
          const latest = leader().url;
          return (typeof latest === 'function' ? latest : url)();
        }
      : url;
  const socket = new HookSocket(source, options.protocols, withLatestFunctions(socketOptionsOf(options), () => leader().options));
  const entry: Entry = { socket, url, options, holders };
  entries.set(key, entry);
  return entry;
}

/** Whether a joiner asked for something else than the socket was made with. */
function differs(holder: Holder, entry: Entry): boolean {
  if (holder.options !== entry.options && fingerprint(holder.options) !== fingerprint(entry.options)) return true;
  const fixed = (url: UrlSource) => (typeof url === 'function' ? 'a url function' : String(url));
  return fixed(holder.url) !== fixed(entry.url);
}

const describeUrl = (url: UrlSource): string => (typeof url === 'function' ? 'a url function' : JSON.stringify(String(url)));

/** Development builds warn; bundlers replace `process.env.NODE_ENV`, and without one this is a dev setup. */
declare const process: { env: { NODE_ENV?: string } };
export function isDevelopment(): boolean {
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
  const { share, filter, onOpen, onMessage, onClose, onError, onReconnectStop, ...socket } = options;
  return JSON.stringify(socket, (_key, value: unknown) => {
    if (typeof value === 'function') return '[function]';
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return '[object]';
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
}
