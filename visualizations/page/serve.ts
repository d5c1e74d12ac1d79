/**
 * The live view server (`npm run viz:serve`): one local port that serves the page and its script
 * over HTTP and relays inspection events over WebSocket. Node processes connect with
 * `createLiveViewInspector(url)` (or `createWebSocketInspector({ url })` from `@statelyai/inspect`)
 * and send; pages listen. Every message goes to every other client, and the latest ones are
 * replayed to a page that joins late, so it can show the current state at once. Only the page it
 * serves and processes that send no `Origin` may connect (`relayOrigin.ts`): other pages get 403.
 */
import { readFile } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { BUNDLE_PATH } from './build.js';
import { pageOrigins, refusalOf } from './relayOrigin.js';

export interface LiveViewServerOptions {
  /** The repository root (the files are served from its `visualizations/page/`). */
  root: string;
  /** @default '127.0.0.1' — local only: events can carry message contents. */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** The page's script; without it, `visualizations/page/build/live-view.js` is read from disk. */
  bundle?: string;
  /** Messages kept for pages that join late (besides the latest traffic report of each socket). @default 1000 */
  replay?: number;
  /** Told of each client refused for its `Origin` (`reason` names it), e.g. to print it. */
  onRefused?: (origin: string, reason: string) => void;
}

export interface LiveViewServer {
  /** `http://host:port`: the page is at `${url}/live-view.html`. */
  readonly url: string;
  /** `ws://host:port`: for `createLiveViewInspector` and the page's relay field. */
  readonly relayUrl: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.dot': 'text/plain; charset=utf-8',
  '.mmd': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

const MAX_MESSAGE = 1 << 20;

/** Ends an upgrade request with an HTTP error whose body says why. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => socket.destroy());
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Reports of which a late page needs only the latest per socket: they carry the whole picture. */
type LatestKind = 'heartsocket.traffic' | 'heartsocket.session';
const LATEST_KINDS: readonly string[] = ['heartsocket.traffic', 'heartsocket.session'];

/** A traffic or session report, or the end of a watch: its type and socket; null for every other message. */
function watchMessageOf(message: string): { type: LatestKind | 'heartsocket.unwatch'; rootId: string } | null {
  if (!message.includes('"heartsocket.traffic"') && !message.includes('"heartsocket.session"') && !message.includes('"heartsocket.unwatch"')) return null;
  try {
    const event = JSON.parse(message) as { type?: unknown; rootId?: unknown };
    if (typeof event.rootId !== 'string') return null;
    if (event.type === 'heartsocket.traffic' || event.type === 'heartsocket.session' || event.type === 'heartsocket.unwatch') {
      return { type: event.type, rootId: event.rootId };
    }
    return null;
  } catch {
    return null;
  }
}

export async function startLiveViewServer(options: LiveViewServerOptions): Promise<LiveViewServer> {
  const directory = join(options.root, 'visualizations', 'page');
  const replayMax = options.replay ?? 1000;
  const replay: string[] = [];
  // Traffic and session reports come up to four times a second per watched socket: a late page
  // needs only the latest of each kind per socket (it has totals, or the whole session), and they
  // must not push the states out of the replay. Keyed by kind and socket.
  const latest = new Map<string, string>();
  const latestKey = (type: string, rootId: string): string => `${type} ${rootId}`;

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (path === '/') {
      response.writeHead(302, { location: '/live-view.html' }).end();
      return;
    }
    const relative = normalize(path).replace(/^[/\\]+/, '');
    if (relative.startsWith('..') || relative.split(sep).includes('..')) {
      response.writeHead(403).end();
      return;
    }
    const type = TYPES[extname(relative)];
    if (type === undefined) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body =
        relative === BUNDLE_PATH && options.bundle !== undefined ? options.bundle : await readFile(join(directory, relative));
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
    }
  };

  const http = createServer((request, response) => {
    serve(request, response).catch(() => response.writeHead(500).end());
  });
  const relay = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  // ws's advice: check who connects in the HTTP server's 'upgrade' event, before the handshake.
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const origin = request.headers.origin;
    const refusal = refusalOf(origin, pageOrigins(http.address() as AddressInfo));
    if (refusal !== null) {
      options.onRefused?.(origin!, refusal);
      refuseUpgrade(socket, 403, refusal);
      return;
    }
    relay.handleUpgrade(request, socket, head, (client) => relay.emit('connection', client, request));
  });
  relay.on('connection', (client) => {
    for (const message of replay) client.send(message);
    for (const message of latest.values()) client.send(message);
    client.on('message', (data, isBinary) => {
      if (isBinary) return;
      // A text frame, on ws's default binaryType ('nodebuffer'): a Buffer.
      const message = (data as Buffer).toString();
      const watch = watchMessageOf(message);
      if (watch !== null && LATEST_KINDS.includes(watch.type)) latest.set(latestKey(watch.type, watch.rootId), message);
      else {
        if (watch?.type === 'heartsocket.unwatch') {
          // The watch is over: its last reports join the story, and the map forgets the socket.
          for (const kind of LATEST_KINDS) {
            const key = latestKey(kind, watch.rootId);
            const last = latest.get(key);
            if (last !== undefined) replay.push(last);
            latest.delete(key);
          }
        }
        replay.push(message);
        if (replay.length > replayMax) replay.splice(0, replay.length - replayMax);
      }
      for (const other of relay.clients) {
        if (other !== client && other.readyState === WebSocket.OPEN) other.send(message);
      }
    });
    client.on('error', () => client.terminate());
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { address, port } = http.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    relayUrl: `ws://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of relay.clients) client.terminate();
        relay.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
