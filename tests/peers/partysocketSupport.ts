/**
 * What the port of partysocket's test suite (cloudflare/partykit, packages/partysocket/src/tests/)
 * needs beyond the shared helpers (tests/support/): partysocket's ReconnectingWebSocket options
 * mapped to heartsocket's, a real `ws` server on 127.0.0.1:0 that a test drives the way upstream
 * drives its fixed-port `wss` (`wss.on('connection', …)`), a WebSocket class that keeps the
 * sockets it makes (upstream reads the private `_ws`), a URL nobody listens on, and the bounded
 * waits.
 *
 * The option mapping, the spy class, the refused URL and the retry-timing check are
 * reconnecting-websocket's (`rws.ts`), since partysocket forked from it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { HeartSocket, type HeartSocketOptions } from '../../adapters/HeartSocket.js';
import type { ProtocolsSource } from '../../adapters/protocols.js';
import type { UrlSource } from '../../adapters/url.js';
import type { CloseInfo } from '../../machine/settings.js';
import { onCleanup, record, type Recording } from '../support/client.js';
import { fromRwsOptions, type RwsOptions } from './rws.js';

export { cleanup, onCleanup, startServer, startSilentTcpServer, waitFor, waitForState } from '../support/client.js';

export { expectRetryAfter, LONG_AFTER, refusedUrl, settle, spyWebSocket, UndiciWebSocket } from './rws.js';

/**
 * partysocket's `ReconnectingWebSocket` options (`partysocket/ws`, 1.3.0), as its users write them:
 * reconnecting-websocket's, from which it was forked, plus `shouldReconnectOnClose`.
 */
export interface PartySocketOptions extends RwsOptions {
  shouldReconnectOnClose?: (event: CloseInfo) => boolean;
}

/**
 * partysocket options → heartsocket options, as the issue maps them. Options partysocket was not
 * given keep heartsocket's defaults (what a user switching libraries gets); the heartbeat is off
 * because partysocket has none.
 */
export function fromPartySocketOptions(party: PartySocketOptions): HeartSocketOptions {
  const options = fromRwsOptions(party);
  if (party.shouldReconnectOnClose === undefined) return options;
  return { ...options, reconnect: { ...options.reconnect, shouldReconnect: party.shouldReconnectOnClose } };
}

/**
 * `new ReconnectingWebSocket(url, protocols, options)`, as a HeartSocket: its events recorded,
 * stopped (socket dropped, timers cancelled) on cleanup. `extra` adds heartsocket options (`clock`,
 * `inspect`). Without a `WebSocket` option the socket uses the global one, as upstream's does.
 */
export function createPartySocket(
  url: UrlSource,
  protocols?: ProtocolsSource,
  party: PartySocketOptions = {},
  extra: HeartSocketOptions = {},
): { socket: HeartSocket; events: Recording } {
  const socket = new HeartSocket(url, protocols, { ...fromPartySocketOptions(party), ...extra });
  onCleanup(() => socket.actor.stop());
  return { socket, events: record(socket) };
}

/**
 * A `ws` WebSocketServer on 127.0.0.1 with an OS-chosen port, in place of upstream's
 * `new WebSocketServer({ port: PORT })`: tests add `connection` handlers to `wss` as upstream does.
 * On cleanup every client is terminated, every TCP connection destroyed (undici may keep an idle
 * one) and the listener closed.
 */
export interface PartyServer {
  readonly wss: WebSocketServer;
  /** `ws://127.0.0.1:<port>/`: the URL as a socket reports it (serialized, path `/`). */
  readonly url: string;
  /** Server-side sockets of every accepted connection, in order. */
  readonly clients: ServerSocket[];
  /** The request path of every accepted connection, in order. */
  readonly paths: string[];
}

export async function startPartyServer(): Promise<PartyServer> {
  const http: Server = createServer((_request, response) => response.writeHead(426).end());
  const tcp = new Set<Socket>();
  http.on('connection', (socket: Socket) => {
    tcp.add(socket);
    socket.on('close', () => tcp.delete(socket));
  });
  const wss = new WebSocketServer({ server: http });
  const clients: ServerSocket[] = [];
  const paths: string[] = [];
  wss.on('connection', (client, request) => {
    clients.push(client);
    paths.push(request.url ?? '');
    client.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  onCleanup(async () => {
    for (const client of wss.clients) client.terminate();
    for (const socket of tcp) socket.destroy();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return { wss, url: `ws://127.0.0.1:${port}/`, clients, paths };
}

/** The text of a message's data, whatever form it arrived in (upstream's `getMessageText`). */
export async function textOf(data: unknown): Promise<string> {
  if (typeof data === 'string') return data;
  if (data instanceof Blob) return data.text();
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  throw new TypeError(`not message data: ${String(data)}`);
}

/** Resolves with the next `type` event of `socket` (bounded: rejects after `timeout` ms). */
export function nextEvent<E extends Event = Event>(socket: HeartSocket, type: string, timeout = 3000): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.removeEventListener(type, listener);
      reject(new Error(`timed out after ${timeout} ms waiting for a ${type} event; state ${socket.state}`));
    }, timeout);
    const listener = (event: Event): void => {
      clearTimeout(timer);
      socket.removeEventListener(type, listener);
      resolve(event as E);
    };
    socket.addEventListener(type, listener);
  });
}
