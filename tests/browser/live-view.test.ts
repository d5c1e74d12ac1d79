// The offline live view (visualizations/page/live-view.html) in headless Debian Chromium: the page and
// its freshly built script served from 127.0.0.1, a real HeartSocket in the page (the browser's
// own WebSocket) against a real `ws` server that goes half-open, and a Node HeartSocket shown
// through the relay. The page's highlighted state must follow the machine.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { createLiveViewInspector } from '../../visualizations/inspector/liveView.js';
import { buildLiveView } from '../../visualizations/page/build.js';
import { startLiveViewServer, type LiveViewServer } from '../../visualizations/page/serve.js';
import { TestServer } from '../support/server.js';
import { dedupe } from '../support/dedupe.js';
import { sleep } from '../support/wait.js';
import { launchChromium } from './chromium.js';

const root = new URL('../..', import.meta.url).pathname;
const SCREENSHOT = join(root, 'test-artifacts', 'live-view.png');
const screenshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: join(root, 'test-artifacts', `${name}.png`), animations: 'disabled' });
};

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
let bundle = '';
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  // The width a person debugging on a laptop has.
  browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
  bundle = await buildLiveView(root);
  server = await startLiveViewServer({ root, bundle });
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The live view page, served by `from` (the shared server unless given): only its own page may use a relay. */
async function openPage(query: string, from: LiveViewServer = server!): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.context.newPage();
  cleanups.push(() => page.close());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.addInitScript(RECORD_HIGHLIGHTS);
  await page.goto(`${from.url}/live-view.html?${query}`);
  return { page, errors };
}

/** Every distinct text the timer list showed during `ms`, sampled as the page redraws it. */
async function collectClocks(page: Page, ms: number): Promise<string[]> {
  return page.evaluate(async (duration) => {
    const seen = new Set<string>();
    const end = performance.now() + duration;
    while (performance.now() < end) {
      for (const item of Array.from(document.querySelectorAll('#clocks li'))) seen.add(item.textContent ?? '');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return [...seen];
  }, ms);
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
    await sleep(25);
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
    expect(log.some((line) => line.includes('forPong → forBufferedInput · after pongTimeout'))).toBe(true);
    expect(log.some((line) => line.includes('forBufferedInput → deadPeer · after pendingInput'))).toBe(true);
    expect(log.some((line) => line.includes('deadPeer → reconnectWait · after closeTimeout [mayReconnect]'))).toBe(true);
    expect(log.some((line) => line.includes('backoff → live · after reconnectDelay'))).toBe(true);
    expect(log.every((line) => /^\d\d:\d\d:\d\d\.\d{3}/.test(line))).toBe(true);

    // The diagram: the state node is highlighted with its ancestors, the arrow taken marked.
    const marked = () =>
      page.evaluate(() => ({
        state: document.getElementById('diagram')!.dataset.state!,
        active: Array.from(document.querySelectorAll('#diagram .active'), (element) => element.id),
        labels: document.querySelector('#diagram svg')?.textContent ?? '',
      }));
    // The six-state view by default, labelled with this socket's timings (not the 3000 ms defaults).
    await page.waitForFunction(() => document.querySelector('#diagram svg')?.textContent?.includes('no pong in 400 ms'), undefined, { timeout: 5000 });
    const flat = await marked();
    expect(['open', 'awaitingPong']).toContain(flat.state);
    expect(flat.active).toEqual([`flat-state-${flat.state}`]);
    expect(flat.labels).toContain('silent 250 ms');
    expect(flat.labels).not.toContain('3000 ms');
    // The full chart is one click away, with the whole path of nested states marked.
    await page.click('#diagram [data-action="mode"]');
    await page.waitForSelector('#diagram [id="state-heartsocket.running.live"]', { timeout: 5000 });
    await page.waitForFunction(() => document.querySelector('#diagram .active') !== null, undefined, { timeout: 5000 });
    const full = await marked();
    expect(full.active).toEqual([
      'state-heartsocket',
      'state-heartsocket.running',
      'state-heartsocket.running.live',
      'state-heartsocket.running.live.connected',
      `state-heartsocket.running.live.connected.${full.state}`,
    ]);
    expect(full.labels).toContain('400 ms');
    await page.click('#diagram [data-action="mode"]');
    await page.waitForSelector('#diagram [id="flat-state-open"]', { timeout: 5000 });

    // Wait for the open state again, so that the picture shows the whole story.
    await page.waitForFunction(() => document.body.dataset.state === 'open', undefined, { timeout: 5000 });
    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, animations: 'disabled' });
    expect(errors).toEqual([]);
  });

  it('shows the socket\'s own timings, its timer counting down, its traffic, and the heartbeat timeout as an outage', async () => {
    const echo = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => echo.stop());
    echo.pingReplyDelay = 250; // a slow network: awaitingPong lasts long enough to be seen counting down
    const query = new URLSearchParams({ url: echo.url, interval: '300', timeout: '450', delay: '150', closeTimeout: '150', connect: '' });
    const { page, errors } = await openPage(query.toString());
    await waitForTrail(page, /^connecting,open/);

    // Its settings, not the defaults.
    expect(await page.textContent('#settings')).toContain('ping after 300 ms of silence, pong within 450 ms');
    // The heartbeat's clocks, seen running: the ping counts down in open, the pong in awaitingPong.
    const seen = await collectClocks(page, 1500);
    expect(seen.some((text) => /^ping in \d+ ms$/.test(text))).toBe(true);
    expect(seen.some((text) => /^pong due in \d+ ms$/.test(text))).toBe(true);
    expect(new Set(seen.filter((text) => text.startsWith('ping in'))).size).toBeGreaterThan(2);
    expect(seen.some((text) => /^peer silent for \d+ ms$/.test(text))).toBe(true);

    // Traffic, counted by the watch: a message out and its echo in.
    await page.click('#send');
    await page.waitForFunction(() => document.querySelector('[data-traffic="received"]')?.textContent?.startsWith('1 message,'), undefined, { timeout: 3000 });
    expect(await page.textContent('[data-traffic="sent"]')).toMatch(/^1 message, 5 B/);
    expect(await page.textContent('[data-traffic="received"]')).toMatch(/^1 message, 5 B · \d+ pongs?$/);
    const log = await page.$$eval('#log li[data-kind="message"]', (rows) => rows.map((row) => row.textContent ?? ''));
    expect(log.some((line) => line.includes('▸ out "hello"'))).toBe(true);
    expect(log.some((line) => line.includes('◂ in "hello"'))).toBe(true);

    // Half-open: an outage caused by the heartbeat, drawn on the timeline and listed, over once open again.
    expect(await page.$$('#outages li[data-cause]')).toHaveLength(0);
    echo.goSilent();
    await page.waitForSelector('#timeline .outage[data-cause="heartbeat-timeout"]', { timeout: 5000 });
    await page.waitForSelector('#outages li[data-cause="heartbeat-timeout"]:not(.ongoing)', { timeout: 5000 });
    expect(await page.textContent('#outages li[data-cause="heartbeat-timeout"]')).toContain('heartbeat timeout: no pong within 450 ms');
    expect(await page.textContent('#problems')).toContain('the app was told: close 4000 "heartbeat timeout"');
    await screenshot(page, 'live-view-heartbeat');
    expect(errors).toEqual([]);
  });

  it('a killed server: says the browser hides the cause, counts the failed attempts, and ends the outage when it is back', async () => {
    const echo = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => echo.stop());
    const query = new URLSearchParams({ url: echo.url, interval: '1000', timeout: '1000', delay: '300', connect: '' });
    const { page } = await openPage(query.toString());
    await waitForTrail(page, /^connecting,open/);

    await echo.stop();
    await page.waitForSelector('#outages li.ongoing[data-cause="connection-lost"]', { timeout: 5000 });
    // Attempts fail with a bare error event and 1006: the view says the browser does not tell.
    await page.waitForFunction(() => /failed attempt/.test(document.querySelector('#outages li.ongoing')?.textContent ?? ''), undefined, { timeout: 5000 });
    expect(await page.textContent('#problems [data-problem="error"]')).toContain('browsers give pages no reason');
    expect(await page.textContent('#problems [data-problem="close"]')).toMatch(/1006, not clean — no close frame .*the browser does not say why/);
    expect(await page.textContent('#problems')).not.toContain('[Event]');
    const retry = await page.waitForFunction(() => document.querySelector('[data-clock="retry"]')?.textContent, undefined, { timeout: 3000 });
    expect(await retry.jsonValue()).toMatch(/^retry #\d+ in \d+ ms$/);
    expect(await page.textContent('#outages li.ongoing')).toMatch(/connection lost: 1006 · \d+ failed attempts?, last: connect failed: 1006/);
    await screenshot(page, 'live-view-server-killed');

    await echo.restart();
    await page.waitForSelector('#outages li[data-cause="connection-lost"]:not(.ongoing)', { timeout: 5000 });
    expect(await page.getAttribute('#diagram', 'data-state')).toMatch(/open|awaitingPong/);
  });

  it('offline: the outage says so, the timer list says it waits for the network, and it ends when the browser is online', async () => {
    const echo = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => echo.stop());
    const { page, errors } = await openPage(new URLSearchParams({ url: echo.url, interval: '1000', delay: '200', connect: '' }).toString());
    await waitForTrail(page, /^connecting,open/);

    await browser!.context.setOffline(true);
    cleanups.push(() => browser!.context.setOffline(false));
    await page.waitForSelector('#outages li.ongoing[data-cause="offline"]', { timeout: 5000 });
    expect(await page.textContent('#outages li.ongoing')).toContain('the host went offline');
    expect(await page.textContent('[data-clock="waiting"]')).toBe('offline: waiting for the network (no attempts meanwhile)');
    await screenshot(page, 'live-view-offline');

    await browser!.context.setOffline(false);
    await page.waitForSelector('#outages li[data-cause="offline"]:not(.ongoing)', { timeout: 5000 });
    expect(await page.getAttribute('#diagram', 'data-state')).toMatch(/open|awaitingPong/);
    expect(errors).toEqual([]);
  });

  it('several sockets in one page, each its own session with its own settings', async () => {
    const echo = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => echo.stop());
    const { page } = await openPage(new URLSearchParams({ url: echo.url, interval: '700', connect: '' }).toString());
    await waitForTrail(page, /^connecting,open/);
    await page.fill('#interval', '1900');
    await page.click('#connect');
    await page.waitForFunction(() => document.querySelectorAll('#session-select option').length === 2, undefined, { timeout: 3000 });
    await page.waitForFunction(() => document.querySelector('#settings')?.textContent?.includes('ping after 1.9 s'), undefined, { timeout: 3000 });
    await page.selectOption('#session-select', { index: 0 });
    expect(await page.textContent('#settings')).toContain('ping after 700 ms');
    expect(await page.$$eval('#session-select option', (options) => options.map((option) => option.textContent))).toEqual([
      `#1 ${echo.url} (this page)`,
      `#2 ${echo.url} (this page)`,
    ]);
    expect(echo.connections).toBe(2);
  });

  it('a Node process watching two sockets through the relay: each selectable, with traffic, messages and Node\'s own error message', async () => {
    const echo = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => echo.stop());
    const gone = await TestServer.start();
    const goneUrl = gone.url;
    await gone.stop(); // nothing listens there: connection refused
    // A relay of its own: the shared one replays other tests' sockets to late joiners.
    const relay = await startLiveViewServer({ root, bundle });
    cleanups.push(() => relay.close());
    const live = createLiveViewInspector(relay.relayUrl, { WebSocket });
    cleanups.push(() => live.stop());
    const feed = new HeartSocket(echo.url, [], { WebSocket, heartbeat: { interval: 400, timeout: 400 } });
    cleanups.push(() => feed.close());
    const refused = new HeartSocket(goneUrl, [], { WebSocket, reconnect: { delay: 200 } });
    cleanups.push(() => refused.close());
    live.watch(feed, { label: 'feed' });
    live.watch(refused, { label: 'refused' });

    const { page, errors } = await openPage(new URLSearchParams({ relay: relay.relayUrl }).toString(), relay);
    await page.waitForFunction(() => document.querySelectorAll('#session-select option').length === 2, undefined, { timeout: 5000 });
    expect(await page.$$eval('#session-select option', (options) => options.map((option) => option.textContent))).toEqual([
      '#1 feed (relay)',
      '#2 refused (relay)',
    ]);

    await page.selectOption('#session-select', { label: '#1 feed (relay)' });
    await page.waitForFunction(() => document.body.dataset.state === 'open' || document.body.dataset.state === 'awaitingPong', undefined, { timeout: 5000 });
    feed.send('from node');
    await page.waitForFunction(() => document.querySelector('[data-traffic="received"]')?.textContent?.startsWith('1 message,'), undefined, { timeout: 3000 });
    expect(await page.textContent('#settings')).toContain('ping after 400 ms of silence, pong within 400 ms');
    const log = await page.$$eval('#log li[data-kind="message"]', (rows) => rows.map((row) => row.textContent ?? ''));
    expect(log.some((line) => line.includes('◂ in "from node"'))).toBe(true);
    await page.waitForSelector('[data-clock="silence"]', { timeout: 3000 });

    await page.selectOption('#session-select', { label: '#2 refused (relay)' });
    await page.waitForFunction(() => document.querySelector('#outages li[data-cause]')?.textContent?.includes('ECONNREFUSED'), undefined, { timeout: 5000 });
    expect(await page.textContent('#problems [data-problem="error"]')).toMatch(/error: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(await page.textContent('#outages li[data-cause]')).toMatch(/connect failed: 1006 — connect ECONNREFUSED/);
    await screenshot(page, 'live-view-relay');
    expect(errors).toEqual([]);
  });

  it("lets only its own page use the relay: a page of another origin (here, another port) is refused", async () => {
    const other = await startLiveViewServer({ root, bundle });
    cleanups.push(() => other.close());
    const { page, errors } = await openPage('', other);
    // What any page may run: Chromium sends the page's own Origin, which the script cannot change.
    const attempt = (relayUrl: string): Promise<string> =>
      page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const ws = new window.WebSocket(url); // the browser's, not the ws this file imports
            ws.onopen = () => {
              ws.close();
              resolve('open');
            };
            ws.onclose = (event) => resolve(`closed ${event.code}`);
          }),
        relayUrl,
      );
    expect(await attempt(server!.relayUrl)).toBe('closed 1006');
    expect(errors.join('\n')).toMatch(/Unexpected response code: 403/);
    expect(await attempt(other.relayUrl)).toBe('open');
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
