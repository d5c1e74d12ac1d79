// The built ESM bundle (dist/index.js) in a real browser: headless Debian Chromium, driven by
// playwright-core, with xstate resolved by an import map, against a real `ws` server.
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { sleep } from '../support/wait.js';
import { launchChromium } from './chromium.js';


// Only these directories are served: the bundle and xstate's browser-ready ESM build.
const SERVED = ['dist', join('node_modules', 'xstate', 'dist')];
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>heartsocket bundle test</title>
<link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "xstate": "/node_modules/xstate/dist/xstate.esm.js" } }</script>
<script type="module">
  import * as heartsocket from '/dist/index.js';
  window.heartsocket = heartsocket;
</script>`;
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json' };

function startHttpServer(): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    }
    const file = normalize(join(root, path));
    const allowed = SERVED.some((dir) => file.startsWith(join(root, dir) + sep));
    if (!allowed || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** An echo server that can be stopped and started again on the same port, or made to go silent. */
class EchoServer {
  port = 0;
  wss: WebSocketServer | null = null;

  async start(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port });
      try {
        await once(wss, 'listening');
        this.wss = wss;
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw error;
        await sleep(100);
      }
    }
    this.port = (this.wss.address() as { port: number }).port;
    this.wss.on('connection', (ws) => {
      ws.on('error', () => {});
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  }

  /** The TCP connections stay up, but nothing more is read or answered. */
  freeze(): void {
    for (const ws of this.wss?.clients ?? []) (ws as ServerSocket & { _socket: { pause(): void } })._socket.pause();
  }

  async stop(): Promise<void> {
    const wss = this.wss;
    this.wss = null;
    if (wss === null) return;
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
}

describe('the built bundle in headless Chromium', () => {
  let http: Server | undefined;
  let echo: EchoServer | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    await ensureBuilt();
    http = await startHttpServer();
    echo = new EchoServer();
    await echo.start();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      // Chromium logs every refused WebSocket connection; those are expected while the server is down.
      if (message.type() === 'error' && !/WebSocket connection to .* failed/.test(message.text())) {
        pageErrors.push(message.text());
      }
    });
    const { port } = http.address() as { port: number };
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'heartsocket' in window, undefined, { timeout: 10_000 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await echo?.stop();
    if (http) {
      http.closeAllConnections();
      await new Promise((resolve) => http!.close(resolve));
    }
  }, 30_000);

  /** Waits until the page's event log has this entry (`count` times). */
  const logged = (entry: string, count = 1) =>
    page.waitForFunction(
      ([wanted, times]) => (window as any).events.filter((e: string) => e === wanted).length >= times,
      [entry, count] as const,
      { timeout: 10_000 },
    );
  const events = (): Promise<string[]> => page.evaluate(() => (window as any).events);

  it('loads as ES modules, with xstate from an import map, and exports the API', async () => {
    const exported = await page.evaluate(() => {
      const hs = (window as any).heartsocket;
      return {
        HeartSocket: typeof hs.HeartSocket,
        createSocketActor: typeof hs.createSocketActor,
        machineRoot: typeof hs.socketMachine?.root,
        nativeWebSocket: typeof WebSocket,
      };
    });
    expect(exported).toEqual({ HeartSocket: 'function', createSocketActor: 'function', machineRoot: 'object', nativeWebSocket: 'function' });
  });

  it('connects with the browser WebSocket, echoes, survives a server restart and a silent server', async () => {
    await page.evaluate((url) => {
      const { HeartSocket } = (window as any).heartsocket;
      const events: string[] = [];
      (window as any).events = events;
      // No WebSocket option: the browser's own.
      const socket = new HeartSocket(url, [], {
        heartbeat: { interval: 400, timeout: 400, isPong: (data: unknown) => data === 'ping' },
        reconnect: { delay: 150 },
        closeTimeout: 200,
      });
      socket.addEventListener('statechange', (e: any) => events.push(`state ${e.state}`));
      socket.onopen = () => events.push('open');
      socket.onmessage = (e: MessageEvent) => events.push(`message ${e.data}`);
      socket.onclose = (e: CloseEvent) => events.push(`close ${e.code} ${e.reason}`);
      (window as any).socket = socket;
    }, `ws://127.0.0.1:${echo!.port}`);

    // Connect and echo.
    await logged('open');
    await page.evaluate(() => (window as any).socket.send('hello'));
    await logged('message hello');

    // The server restarts on the same port: the close is seen at once, a message sent meanwhile
    // is queued, and it is delivered after the reconnect.
    await echo!.stop();
    await logged('state reconnectWait');
    await page.evaluate(() => (window as any).socket.send('sent while down'));
    await echo!.start();
    await logged('open', 2);
    await logged('message sent while down');
    expect(await events()).toContain('close 1006 ');

    // The server goes silent with TCP up: only the heartbeat can tell.
    echo!.freeze();
    await logged('close 4000 heartbeat timeout');
    await logged('open', 3);
    await page.evaluate(() => (window as any).socket.send('after the silence'));
    await logged('message after the silence');

    const log = await events();
    const states = log.filter((e) => e.startsWith('state ')).map((e) => e.slice(6));
    expect(states.join(' ')).toMatch(
      /^open reconnectWait connecting (reconnectWait connecting )*open .*awaitingPong closing reconnectWait connecting open/,
    );

    await page.evaluate(() => (window as any).socket.close());
    await logged('state closed');
    expect(await events()).toContain('close 1000 ');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
