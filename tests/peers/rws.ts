/**
 * What the port of reconnecting-websocket's test suite needs beyond the shared helpers
 * (tests/support/): RWS's options mapped to heartsocket's, a `ws` WebSocket that counts the
 * sockets it makes (the upstream tests read the private `_ws`), a URL nobody listens on, the
 * retry-timing check, and the RWS-compatible API heartsocket is gaining (`startClosed`,
 * `reconnect(code, reason)`, `retryCount`), typed here so that the tests compile before and after
 * it lands. partysocket's port (partysocketSupport.ts) shares these.
 */
import { createServer, type AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { SimulatedClock } from 'xstate';
import { HeartSocket, type HeartSocketOptions } from '../../adapters/HeartSocket.js';
import type { UrlSource } from '../../adapters/url.js';
import { onCleanup, record, type Recording } from '../support/client.js';
import type { TestServer } from '../support/server.js';

export { settle } from '../support/wait.js';

/** Node's global (undici) WebSocket, taken before any test stubs the global. */
export const UndiciWebSocket = globalThis.WebSocket;

/** reconnecting-websocket 4.4.0's options, as its users write them. */
export interface RwsOptions {
  WebSocket?: unknown;
  maxReconnectionDelay?: number;
  minReconnectionDelay?: number;
  reconnectionDelayGrowFactor?: number;
  minUptime?: number;
  connectionTimeout?: number;
  maxRetries?: number;
  maxEnqueuedMessages?: number;
  startClosed?: boolean;
}

/** heartsocket's options plus `startClosed` (being added: construct without connecting). */
export type CompatOptions = HeartSocketOptions & { startClosed?: boolean };

/** heartsocket plus the RWS-compatible members being added. */
export type CompatSocket = HeartSocket & {
  /** Failed attempts since the last connection that stayed up (the machine's `context.retries`). */
  readonly retryCount: number;
  /** A clean close with `code`/`reason`, then a new connection at once, with a fresh retry count. */
  reconnect(code?: number, reason?: string): void;
};

/** The entries of `object` whose value is not `undefined`. */
function defined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * RWS options → heartsocket options. Options RWS was not given keep heartsocket's defaults (what a
 * user switching libraries gets); the heartbeat is off because RWS has none.
 */
export function fromRwsOptions(rws: RwsOptions): CompatOptions {
  const reconnect = defined({
    maxRetries: rws.maxRetries,
    delay: rws.minReconnectionDelay,
    maxDelay: rws.maxReconnectionDelay,
    factor: rws.reconnectionDelayGrowFactor,
    minUptime: rws.minUptime,
  });
  return {
    heartbeat: false,
    reconnect,
    ...defined({
      WebSocket: rws.WebSocket as HeartSocketOptions['WebSocket'],
      connectTimeout: rws.connectionTimeout,
      startClosed: rws.startClosed,
    }),
    ...(rws.maxEnqueuedMessages !== undefined && { queue: { max: rws.maxEnqueuedMessages } }),
  };
}

/**
 * `new ReconnectingWebSocket(url, protocols, options)`, as a HeartSocket: its events recorded,
 * stopped (socket dropped, timers cancelled) on cleanup. `extra` adds heartsocket options (`clock`).
 */
export function createRws(
  url: UrlSource,
  protocols?: string | string[],
  rws: RwsOptions = {},
  extra: HeartSocketOptions = {},
): { socket: CompatSocket; events: Recording } {
  const socket = new HeartSocket(url, protocols, { ...fromRwsOptions(rws), ...extra }) as CompatSocket;
  onCleanup(() => socket.actor.stop());
  return { socket, events: record(socket) };
}

/** A WebSocket class (a subclass of `base`) that keeps every socket it makes, in order. */
export function spyWebSocket<C extends new (...args: any[]) => object>(base: C) {
  const created: InstanceType<C>[] = [];
  const SpyWebSocket = class extends base {
    constructor(...args: any[]) {
      super(...args);
      created.push(this as InstanceType<C>);
    }
  };
  return { SpyWebSocket, created };
}

/**
 * The server's URL as a socket reports it: serialized, with the path `/` (the standard WebSocket
 * and `ws` both do this; upstream compared against the URL as written, on an older `ws`).
 */
export const urlOf = (server: TestServer): string => `${server.url}/`;

/** Far past every delay and timeout the tests set: what has not happened by then never will. */
export const LONG_AFTER = 60_000;

/** The retry comes exactly `delay` ms of the clock after the failure: not 1 ms sooner. */
export function expectRetryAfter(socket: HeartSocket, clock: SimulatedClock, delay: number): void {
  expect(socket.state).toBe('reconnectWait');
  clock.increment(delay - 1);
  expect(socket.state).toBe('reconnectWait');
  clock.increment(1);
  expect(socket.state).toBe('connecting');
}

/** A ws:// URL on 127.0.0.1 where nothing listens: every attempt is refused at once. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `ws://127.0.0.1:${port}/`;
}

