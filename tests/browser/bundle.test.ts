// The built ESM bundle (dist/index.js) in a real browser: headless Debian Chromium, driven by
// playwright-core, with xstate resolved by an import map, against a real `ws` server.
import { once } from 'node:events';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { ensureBuilt } from '../../scripts/ensure-built.mjs';
import { sleep } from '../support/wait.js';
import { startBundlePage } from './bundlePage.js';
import { launchChromium } from './chromium.js';

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
  let pageServer: Awaited<ReturnType<typeof startBundlePage>> | undefined;
  let echo: EchoServer | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    await ensureBuilt();
    pageServer = await startBundlePage('heartsocket bundle test');
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
    await page.goto(pageServer.url);
    await page.waitForFunction(() => 'heartsocket' in window, undefined, { timeout: 10_000 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await echo?.stop();
    await pageServer?.close();
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
