// The resume campaign's last fault, in a real browser: the built bundle with `heartsocket/resume` in
// headless Chromium, streaming numbered messages both ways with a session server on 127.0.0.1,
// while the browser goes offline and back (playwright's context.setOffline) at seeded random
// moments. With resume on, every message arrives exactly once and in order; with it off, the same
// faults lose messages.
import { randomInt } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { judgeStream, seededRandom, StreamServer } from '../resume/streams.js';
import { sleep } from '../support/wait.js';
import { bundlePageInChromium } from './bundlePage.js';

const OFFLINE_SPELLS = Number(process.env.RESUME_FAULTS ?? 5);
const seed = process.env.RESUME_SEED === 'random' ? randomInt(2 ** 31) : Number(process.env.RESUME_SEED ?? 20261207);

const chromium = bundlePageInChromium('heartsocket/resume offline and back');

/** What the page's app did and heard. */
interface PageStream {
  sent: number;
  received: number[];
  opens: number;
  resumes: string[];
  state: string;
}

/** A page whose HeartSocket streams `c<n>` every few ms and records the `s<n>` it receives. */
async function streamingPage(url: string, resume: boolean): Promise<Page> {
  const page = await chromium.context.newPage();
  chromium.cleanups.push(() => page.close());
  await page.goto(chromium.url);
  await page.waitForFunction(() => 'heartsocket' in window && 'heartsocketResume' in window, undefined, { timeout: 10_000 });
  await page.evaluate(
    ({ url, resume }) => {
      const w = window as any;
      const stream = { sent: 0, received: [] as number[], opens: 0, resumes: [] as string[], sending: true };
      w.stream = stream;
      const socket = new w.heartsocket.HeartSocket(url, [], {
        heartbeat: { interval: 100, timeout: 100 },
        reconnect: { delay: 20, minUptime: 60_000 },
        closeTimeout: 100,
        ...(resume ? { resume: w.heartsocketResume.resumable() } : {}),
      });
      socket.addEventListener('open', () => stream.opens++);
      socket.addEventListener('resume', (e: any) => stream.resumes.push(e.resumed ? 'resumed' : `not (${e.reason})`));
      socket.addEventListener('message', (e: MessageEvent) => stream.received.push(Number(String(e.data).slice(1))));
      w.socket = socket;
      const tick = (): void => {
        if (!stream.sending) return;
        stream.sent++;
        socket.send(`c${stream.sent}`);
        setTimeout(tick, 4);
      };
      tick();
    },
    { url, resume },
  );
  return page;
}

function readStream(page: Page): Promise<PageStream> {
  return page.evaluate(() => {
    const w = window as any;
    return { ...w.stream, state: w.socket.state };
  });
}

/** Streams from the server every 4 ms until the returned function is called. */
function serverStreams(server: StreamServer): () => void {
  const timer = setInterval(() => server.sendNext(), 4);
  return () => clearInterval(timer);
}

async function runOfflineSpells(page: Page, random: () => number): Promise<void> {
  for (let i = 0; i < OFFLINE_SPELLS; i++) {
    await sleep(100 + Math.floor(random() * 200));
    const { opens } = await readStream(page);
    await chromium.context.setOffline(true);
    await sleep(150 + Math.floor(random() * 250));
    await chromium.context.setOffline(false);
    await page.waitForFunction((opens) => (window as any).stream.opens > opens, opens, { timeout: 10_000, polling: 20 });
  }
  await sleep(100);
}

/**
 * Stops both streams, and resolves once everything arrived, or once nothing more is on its way
 * (the counts stayed the same for half a second: what is missing then was lost).
 */
async function stopAndSettle(page: Page, server: StreamServer, stopServer: () => void): Promise<PageStream> {
  stopServer();
  await page.evaluate(() => ((window as any).stream.sending = false));
  let last = '';
  let unchanged = 0;
  for (let i = 0; i < 100; i++) {
    const now = await readStream(page);
    if (now.received.length === server.sent && server.received.length === now.sent) return now;
    const key = `${now.received.length} ${server.received.length}`;
    unchanged = key === last ? unchanged + 1 : 0;
    if (unchanged === 5) return now;
    last = key;
    await sleep(100);
  }
  return readStream(page);
}

/**
 * One run: a session server (or a plain one), a page streaming both ways with resume on (or off),
 * the offline spells, and then what each side received once nothing more was on its way.
 */
async function offlineRun(resume: boolean): Promise<{ server: StreamServer; stream: PageStream }> {
  const server = new StreamServer(resume ? {} : undefined);
  await server.start();
  chromium.cleanups.push(() => server.stop());
  const page = await streamingPage(`ws://127.0.0.1:${server.port}`, resume);
  await page.waitForFunction(() => (window as any).stream.opens === 1, undefined, { timeout: 10_000 });
  const stopServer = serverStreams(server);
  chromium.cleanups.push(stopServer);
  chromium.cleanups.push(() => chromium.context.setOffline(false));
  await runOfflineSpells(page, seededRandom(seed));
  return { server, stream: await stopAndSettle(page, server, stopServer) };
}

it(`with resume, a page that goes offline ${OFFLINE_SPELLS} times loses nothing, gets nothing twice (seed ${seed})`, async () => {
  const { server, stream } = await offlineRun(true);
  console.log(`Chromium offline, resume on, seed ${seed}: ${stream.sent} sent up, ${server.sent} down; resumes ${stream.resumes.join(', ')}`);
  expect(server.received).toEqual(Array.from({ length: stream.sent }, (_, i) => i + 1));
  expect(stream.received).toEqual(Array.from({ length: server.sent }, (_, i) => i + 1));
  expect(stream.resumes).toEqual(['not (null)', ...Array.from({ length: OFFLINE_SPELLS }, () => 'resumed')]);
}, 120_000);

it(`without resume, the same offline spells lose messages (seed ${seed})`, async () => {
  const { server, stream } = await offlineRun(false);
  const up = judgeStream(server.received, stream.sent);
  const down = judgeStream(stream.received, server.sent);
  console.log(`Chromium offline, resume off, seed ${seed}: lost up ${up.lost}/${stream.sent}, down ${down.lost}/${server.sent}`);
  expect({ up: up.disorder, down: down.disorder }).toEqual({ up: [], down: [] });
  expect(down.lost).toBeGreaterThan(0);
}, 120_000);
