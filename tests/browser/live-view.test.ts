// The offline live view (visualizations/live-view.html) in headless Debian Chromium: the page and
// its freshly built script served from 127.0.0.1, a real HeartSocket in the page (the browser's
// own WebSocket) against a real `ws` server that goes half-open, and a Node HeartSocket shown
// through the relay. The page's highlighted state must follow the machine.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { createLiveViewInspector } from '../../visualizations/liveView.js';
import { buildLiveView } from '../../visualizations/build.js';
import { startLiveViewServer, type LiveViewServer } from '../../visualizations/serve.js';
import { TestServer } from '../integration/server.js';
import { dedupe } from '../visualizations/helpers.js';
import { launchChromium } from './chromium.js';

const root = new URL('../..', import.meta.url).pathname;
const SCREENSHOT = join(root, 'test-artifacts', 'live-view.png');

/** What every test page records: each state the diagram highlights, in order (`data-state` of #diagram). */
const RECORD_HIGHLIGHTS = () => {
  const trail: string[] = [];
  (window as unknown as { __highlights: string[] }).__highlights = trail;
  new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target as HTMLElement;
      if (target.id !== 'diagram') continue;
      const state = target.dataset.state ?? '';
      if (state !== '' && trail.at(-1) !== state) trail.push(state);
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
};

let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let server: LiveViewServer | null = null;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  browser = await launchChromium({ viewport: { width: 1600, height: 1000 } });
  server = await startLiveViewServer({ root, bundle: await buildLiveView(root) });
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.context.newPage();
  cleanups.push(() => page.close());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.addInitScript(RECORD_HIGHLIGHTS);
  await page.goto(`${server!.url}/live-view.html?${query}`);
  return { page, errors };
}

const highlights = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).__highlights as string[]);
const loggedStates = (page: Page): Promise<string[]> =>
  page.$$eval('#log li[data-kind="state"]', (rows) => rows.map((row) => (row as HTMLElement).dataset.state!));

/** Waits (bounded) until the highlight trail, joined with commas, matches. */
async function waitForTrail(page: Page, pattern: RegExp, timeoutMs = 8000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const trail = await highlights(page);
    if (pattern.test(trail.join())) return trail;
    if (Date.now() > deadline) throw new Error(`the highlighted states ${trail.join(' → ')} never matched ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the offline live view in Chromium', () => {
  it('follows a HeartSocket in the page through a half-open server: open → awaitingPong → closing → reconnectWait → connecting → open', async () => {
    const echo = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => echo.stop());
    const query = new URLSearchParams({
      url: echo.url,
      interval: '250',
      timeout: '400',
      delay: '150',
      closeTimeout: '150',
      connect: '',
    });
    const { page, errors } = await openPage(query.toString());

    // Healthy: the heartbeat gets its pongs.
    await waitForTrail(page, /^connecting,open,awaitingPong,open/);
    const before = await highlights(page);
    expect(before).not.toContain('closing');

    // The server goes silent, TCP kept (half-open); new connections are served again.
    echo.goSilent();
    const trail = await waitForTrail(page, /open,awaitingPong,closing,reconnectWait,connecting,open/);
    // Nothing else happened: heartbeats, the one that failed, the reconnect, heartbeats again.
    const story =
      /^connecting,open,(awaitingPong,open,)+awaitingPong,closing,reconnectWait,connecting,open(,awaitingPong,open)*(,awaitingPong)?$/;
    expect(trail.join()).toMatch(story);
    expect(echo.connections).toBe(2);

    // The log shows the same sequence, with the transitions that caused it.
    expect(dedupe(await loggedStates(page)).join()).toMatch(story);
    const log = await page.$$eval('#log li', (rows) => rows.map((row) => row.textContent ?? ''));
    expect(log.some((line) => line.includes('waiting → readingInput · after pongTimeout'))).toBe(true);
    expect(log.some((line) => line.includes('readingInput → deadPeer · after pendingInput'))).toBe(true);
    expect(log.some((line) => line.includes('deadPeer → reconnectWait · after closeTimeout [mayReconnect]'))).toBe(true);
    expect(log.some((line) => line.includes('backoff → live · after reconnectDelay'))).toBe(true);
    expect(log.every((line) => /^\d\d:\d\d:\d\d\.\d{3}/.test(line))).toBe(true);

    // The diagram: the state node is highlighted with its ancestors, the arrow taken marked.
    const diagram = await page.evaluate(() => ({
      state: document.getElementById('diagram')!.dataset.state!,
      active: Array.from(document.querySelectorAll('#diagram .active'), (element) => element.id),
      taken: document.querySelectorAll('#diagram g.edge.taken').length,
    }));
    expect(['open', 'awaitingPong']).toContain(diagram.state);
    expect(diagram.active).toEqual([
      'state-heartsocket',
      'state-heartsocket.running',
      'state-heartsocket.running.live',
      'state-heartsocket.running.live.connected',
      `state-heartsocket.running.live.connected.${diagram.state}`,
    ]);
    expect(diagram.taken).toBeGreaterThan(0);

    // Wait for the open state again, so that the picture shows the whole story.
    await page.waitForFunction(() => document.body.dataset.state === 'open', undefined, { timeout: 5000 });
    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, animations: 'disabled' });
    expect(errors).toEqual([]);
  });

  it('shows a Node process through the relay (createLiveViewInspector), late joiners included', async () => {
    const echo = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => echo.stop());
    const live = createLiveViewInspector(server!.relayUrl, { WebSocket });
    cleanups.push(() => live.stop());
    const socket = new HeartSocket(echo.url, [], {
      WebSocket,
      heartbeat: false,
      reconnect: { delay: 100, minUptime: 60_000 },
      inspect: live.inspect,
    });
    cleanups.push(() => socket.close());
    await new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));

    // The page opens after the socket did: the relay replays what it missed.
    const { page, errors } = await openPage(new URLSearchParams({ relay: server!.relayUrl }).toString());
    await waitForTrail(page, /^connecting,open$/);
    expect(await page.textContent('#source-status')).toContain('listening');
    expect(await page.$eval('#session-select', (select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent)).toContain(
      'relay',
    );

    echo.terminateAll();
    await waitForTrail(page, /^connecting,open,reconnectWait,connecting,open$/);
    const log = await page.$$eval('#log li', (rows) => rows.map((row) => row.textContent ?? ''));
    expect(log.some((line) => line.includes('connected → reconnectWait · SOCKET.CLOSE [mayReconnect]'))).toBe(true);
    expect(errors).toEqual([]);
  });
});
