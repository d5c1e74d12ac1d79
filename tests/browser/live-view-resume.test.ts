// The live view of a socket with `resume` on (heartsocket/resume), in headless Chromium through the
// relay: a Node HeartSocket against acceptHeartbeats({ sessions }) behind a TCP proxy that goes
// half-open. The page shows the session id, the messages not yet acknowledged each way, and the
// last handshake's result (resumed, or why not); a socket without `resume` shows none of it.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { resumable } from '../../adapters/resume/index.js';
import type { Session } from '../../adapters/server/index.js';
import { createLiveViewInspector } from '../../visualizations/inspector/liveView.js';
import { buildLiveView } from '../../visualizations/page/build.js';
import { startLiveViewServer } from '../../visualizations/page/serve.js';
import { cleanup, onCleanup, waitFor } from '../support/client.js';
import { TcpProxy } from '../support/proxy.js';
import { accept, acceptSessions, startWss } from '../support/wss.js';
import { launchChromium } from './chromium.js';

const root = new URL('../..', import.meta.url).pathname;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let bundle = '';

beforeAll(async () => {
  browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
  bundle = await buildLiveView(root);
}, 60_000);

afterEach(cleanup);

afterAll(async () => {
  await browser?.close();
});

/** The text of one row of the session panel (`data-session`). */
const sessionRow = (page: Page, key: string): Promise<string | null> => page.textContent(`#resumable [data-session="${key}"]`);

/** Waits (bounded) until a row of the session panel matches. */
async function waitForRow(page: Page, key: string, pattern: RegExp, timeoutMs = 8000): Promise<string> {
  const handle = await page
    .waitForFunction(
      ([selector, source]) => {
        const text = document.querySelector(selector!)?.textContent ?? '';
        return new RegExp(source!).test(text) ? text : false;
      },
      [`#resumable [data-session="${key}"]`, pattern.source],
      { timeout: timeoutMs },
    )
    .catch(async () => {
      throw new Error(`the session panel's ${key} row ${JSON.stringify(await sessionRow(page, key))} never matched ${pattern}`);
    });
  return (await handle.jsonValue()) as string;
}

/** The live view page from `relay`'s server, failing the test on any page error. */
async function openPage(relay: Awaited<ReturnType<typeof startLiveViewServer>>, query: URLSearchParams): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.context.newPage();
  onCleanup(() => page.close());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${relay.url}/live-view.html?${query}`);
  return { page, errors };
}

describe('the live view of a resumable session in Chromium', () => {
  it('shows the session id, the unacknowledged counts each way and the last resume; a plain socket shows no session', async () => {
    const { wss, port } = await startWss();
    const { sessions, received: serverGot } = acceptSessions(wss);
    const proxy = await TcpProxy.start(port);
    // A relay of its own: the page shows only this test's sockets.
    const relay = await startLiveViewServer({ root, bundle });
    onCleanup(() => relay.close());
    const live = createLiveViewInspector(relay.relayUrl, { WebSocket });
    onCleanup(() => live.stop());
    const plain = new HeartSocket(`ws://127.0.0.1:${port}`, [], { WebSocket, heartbeat: false });
    onCleanup(() => plain.close());
    const feed = new HeartSocket(`${proxy.url}/feed`, [], {
      WebSocket,
      heartbeat: { interval: 250, timeout: 500 },
      reconnect: { delay: 100 },
      closeTimeout: 200,
      resume: resumable({ timeout: 2000 }),
    });
    onCleanup(() => feed.close());
    live.watch(plain, { label: 'plain' });
    live.watch(feed, { label: 'resumable' });

    const { page, errors } = await openPage(relay, new URLSearchParams({ relay: relay.relayUrl }));
    await page.waitForFunction(() => document.querySelectorAll('#session-select option').length === 2, undefined, { timeout: 5000 });

    // A socket without resume: no session section, as before.
    await page.selectOption('#session-select', { label: '#1 plain (relay)' });
    await page.waitForFunction(() => document.body.dataset.state === 'open', undefined, { timeout: 5000 });
    expect(await page.isHidden('#resumable-section')).toBe(true);

    // The resumable one: its first session, its id as the socket has it.
    await page.selectOption('#session-select', { label: '#2 resumable (relay)' });
    await waitForRow(page, 'last-resume', /^new session$/);
    expect(await page.isVisible('#resumable-section')).toBe(true);
    const id = feed.session!.id!;
    expect(id).toMatch(/\S{16,}/);
    expect(await sessionRow(page, 'id')).toBe(id);
    expect(await sessionRow(page, 'unacknowledged-sent')).toMatch(/^0 messages \(of 0 sent\)$/);

    // Half-open: what the client writes now is not acknowledged, and the panel counts it.
    proxy.stall();
    for (const text of ['a', 'b', 'c']) feed.send(text);
    await waitForRow(page, 'unacknowledged-sent', /^3 messages \(of 3 sent\)$/);
    expect(feed.session!.unacknowledgedSent).toBe(3);

    // The heartbeat finds the dead link; the reconnect resumes the session: the three re-sent and acknowledged.
    await waitForRow(page, 'last-resume', /^resumed$/);
    await waitForRow(page, 'unacknowledged-sent', /^0 messages \(of 3 sent\)$/);
    expect(await sessionRow(page, 'id')).toBe(id);
    await waitFor(() => serverGot.length === 3, () => `the server got ${serverGot.join()}`, 5000);
    expect(serverGot).toEqual(['a', 'b', 'c']);
    expect(sessions).toHaveLength(1);

    // Received counts too: what the server sends is shown received, acknowledged by the next ping at the latest.
    for (const text of ['x', 'y']) sessions[0]!.send(text);
    await waitForRow(page, 'unacknowledged-received', /^\d messages? \(of 2 received\)$/);
    await waitForRow(page, 'unacknowledged-received', /^0 messages \(of 2 received\)$/);

    // The server closes the session: the client is told (reason closed), and runs a new session.
    sessions[0]!.close();
    await waitForRow(page, 'last-resume', /^not resumed: closed$/);
    await waitFor(() => feed.session?.id !== id && feed.session?.id !== null, 'a new session id', 5000);
    await waitForRow(page, 'id', new RegExp(`^${feed.session!.id!}$`));
    const log = await page.$$eval('#log li', (rows) => rows.map((row) => row.textContent ?? ''));
    expect(log.some((line) => line.includes(`session ${id}: new session`))).toBe(true);
    expect(log.some((line) => line.includes(`session ${id}: resumed`))).toBe(true);
    expect(log.some((line) => line.includes('not resumed: closed'))).toBe(true);

    // Back to the plain socket: the section hides again.
    await page.selectOption('#session-select', { label: '#1 plain (relay)' });
    expect(await page.isHidden('#resumable-section')).toBe(true);
    expect(errors).toEqual([]);
  });

  it("a socket of the page itself (the browser's WebSocket) with the resume box ticked: the server terminates it, the panel shows it resumed", async () => {
    const { wss, url } = await startWss();
    const sessions: Session[] = [];
    accept(wss, { sessions: { onSession: (session) => void sessions.push(session) } });
    const relay = await startLiveViewServer({ root, bundle });
    onCleanup(() => relay.close());
    const query = new URLSearchParams({ url: `${url}/page`, interval: '1000', timeout: '1000', delay: '100', closeTimeout: '200', resume: '', connect: '' });
    const { page, errors } = await openPage(relay, query);
    expect(await page.isChecked('#resume')).toBe(true);

    await waitForRow(page, 'last-resume', /^new session$/);
    await waitFor(() => sessions.length === 1, 'the server\'s session', 5000);
    const session = sessions[0]!;
    expect(await sessionRow(page, 'id')).toBe(session.id);
    session.send('one');
    session.send('two');
    await waitForRow(page, 'unacknowledged-received', /\(of 2 received\)$/);

    session.socket!.terminate();
    await waitForRow(page, 'last-resume', /^resumed$/);
    expect(await sessionRow(page, 'id')).toBe(session.id);
    expect(sessions).toHaveLength(1);
    const log = await page.$$eval('#log li', (rows) => rows.map((row) => row.textContent ?? ''));
    expect(log.some((line) => line.includes(`session ${session.id}: resumed`))).toBe(true);
    expect(errors).toEqual([]);
  });
});
