/**
 * Client-side helpers for the tests on real servers (integration, peers): the two socket
 * implementations every behavioural test runs with, short timings, event recording, bounded
 * waits, and a cleanup registry (`afterEach(cleanup)`) that tears down every client and server a
 * test started.
 */
import WsWebSocket from 'ws';
import { HeartSocket, type HeartSocketOptions } from '../../adapters/HeartSocket.js';
import type { HeartSocketError } from '../../adapters/errors.js';
import type { StateChangeEvent } from '../../adapters/events.js';
import type { ProtocolsSource } from '../../adapters/protocols.js';
import type { UrlSource } from '../../adapters/url.js';
import type { SendData, SocketStateName } from '../../machine/types.js';
import { DEFAULT_WAIT } from './wait.js';
import { SilentTcpServer, TestServer, type TestServerOptions } from './server.js';

type WebSocketOption = NonNullable<HeartSocketOptions['WebSocket']>;

/**
 * `ws` passed as `options.WebSocket`, and Node's global (undici) WebSocket — present on Node 20
 * because vitest runs with `--experimental-websocket`.
 */
export const IMPLEMENTATIONS: [name: string, WebSocket: WebSocketOption][] = [
  ['ws', WsWebSocket],
  ['undici global', globalThis.WebSocket],
];

/** The heartbeat's `isPong` for a `TestServer` that answers `'pong'` (`pingReply: 'pong'`). */
export const isPong = (data: unknown): boolean => data === 'pong';

/** The retry wait the tests configure (the default is 4 s). */
export const RECONNECT_DELAY = 30;

/** Long enough for a wrongly scheduled retry to have connected. */
export const SEVERAL_DELAYS = RECONNECT_DELAY * 6;

/**
 * Short timings for tests, heartbeat off (tests about the heartbeat turn it on), and a
 * `minUptime` longer than any test, so that retry counts never reset by surprise.
 */
export function fastOptions(WebSocket: WebSocketOption, overrides: HeartSocketOptions = {}): HeartSocketOptions {
  return {
    WebSocket,
    heartbeat: false,
    reconnect: { delay: RECONNECT_DELAY, minUptime: 60_000 },
    connectTimeout: 2000,
    closeTimeout: 300,
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// Cleanup

const disposers: (() => unknown)[] = [];

/** Registers teardown work for the current test; `cleanup()` runs it, newest first. */
export function onCleanup(dispose: () => unknown): void {
  disposers.push(dispose);
}

/** Tears down everything the test started (clients before the servers they talk to). */
export async function cleanup(): Promise<void> {
  const failures: unknown[] = [];
  for (let dispose = disposers.pop(); dispose !== undefined; dispose = disposers.pop()) {
    try {
      await dispose();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, 'cleanup failed');
}

export async function startServer(options?: TestServerOptions): Promise<TestServer> {
  const server = await TestServer.start(options);
  onCleanup(() => server.stop());
  return server;
}

export async function startSilentTcpServer(): Promise<SilentTcpServer> {
  const server = await SilentTcpServer.start();
  onCleanup(() => server.stop());
  return server;
}

// ---------------------------------------------------------------------------------------------
// Recording a HeartSocket

export interface CloseRecord {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** Everything a HeartSocket told its listeners, in order. */
export interface Recording {
  /** Every state entered, starting with the initial `connecting`. */
  states: SocketStateName[];
  opens: number;
  closes: CloseRecord[];
  errors: unknown[];
  messages: unknown[];
  undelivered: { messages: readonly SendData[]; error: HeartSocketError }[];
}

export function record(socket: HeartSocket): Recording {
  const events: Recording = { states: [socket.state], opens: 0, closes: [], errors: [], messages: [], undelivered: [] };
  socket.addEventListener('statechange', (event) => events.states.push(event.state));
  socket.addEventListener('open', () => events.opens++);
  socket.addEventListener('close', (event) => {
    const { code, reason, wasClean } = event;
    events.closes.push({ code, reason, wasClean });
  });
  socket.addEventListener('error', (event) => events.errors.push((event as Event & { error: unknown }).error));
  socket.addEventListener('message', (event) => events.messages.push(event.data));
  socket.addEventListener('undelivered', (event) => {
    const { messages, error } = event;
    events.undelivered.push({ messages, error });
  });
  return events;
}

/**
 * A HeartSocket whose events are recorded, stopped (socket dropped, timers cancelled) on cleanup.
 * `protocols` are the subprotocols to ask for (none by default).
 */
export function createSocket(
  url: UrlSource,
  options: HeartSocketOptions,
  protocols: ProtocolsSource = [],
): { socket: HeartSocket; events: Recording } {
  const socket = new HeartSocket(url, protocols, options);
  onCleanup(() => socket.actor.stop());
  return { socket, events: record(socket) };
}

/** A server, and a socket (default test options) already open to it. */
export async function openSocket(WebSocket: WebSocketOption): Promise<{ server: TestServer; socket: HeartSocket; events: Recording }> {
  const server = await startServer();
  const { socket, events } = createSocket(server.url, fastOptions(WebSocket));
  await waitForState(socket, 'open');
  return { server, socket, events };
}

// ---------------------------------------------------------------------------------------------
// Bounded waits

export { DEFAULT_WAIT, sleep, waitFor } from './wait.js';

/**
 * Resolves when the socket is in `state`: at once if it already is, else at the `statechange`
 * into it. Rejects after `timeout` ms, naming the state it was stuck in.
 */
export function waitForState(socket: HeartSocket, state: SocketStateName, timeout = DEFAULT_WAIT): Promise<void> {
  if (socket.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onChange = (event: Event): void => {
      if ((event as StateChangeEvent).state !== state) return;
      clearTimeout(timer);
      socket.removeEventListener('statechange', onChange);
      resolve();
    };
    const timer = setTimeout(() => {
      socket.removeEventListener('statechange', onChange);
      reject(new Error(`timed out after ${timeout} ms waiting for state ${state}; still ${socket.state}`));
    }, timeout);
    socket.addEventListener('statechange', onChange);
  });
}

/** How many times the recorded states went from `from` straight to `to`. */
export function countTransitions(states: readonly SocketStateName[], from: SocketStateName, to: SocketStateName): number {
  let count = 0;
  for (let i = 1; i < states.length; i++) if (states[i - 1] === from && states[i] === to) count++;
  return count;
}
