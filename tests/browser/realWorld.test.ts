// Three things that happen to real browsers, reproduced for real: the built bundle in headless
// Chromium, with the browser's own WebSocket, against a `ws` server on 127.0.0.1.
//   A. the whole browser is suspended (SIGSTOP to every Chromium process) while a pong is due;
//   B. the server goes half-open: no pong, no answer to the close frame;
//   C. the page starts while the browser is offline (playwright's context.setOffline).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sleep } from '../support/wait.js';
import { bundlePageInChromium } from './bundlePage.js';
import { PongServer, resumeStoppedChildren, suspendChromium } from './realWorld.js';

const HEARTBEAT = { interval: 300, timeout: 300 };
const CLOSE_TIMEOUT = 300;
/**
 * For the suspend test: the pong timeout leaves the test ample time to suspend the browser after
 * the ping left (on a loaded machine too), and the suspend lasts three times as long.
 */
const SUSPEND_HEARTBEAT = { interval: 300, timeout: 1000 };
const SUSPEND_MS = 3000;

interface PageOptions {
  heartbeat: { interval: number; timeout: number };
  reconnect: { delay: number; maxRetries?: number };
  closeTimeout?: number;
}

/** What the page recorded. */
interface PageRecord {
  /** `statechange`, `open` and `close` events, and the `awaitingPong` substates, in order. */
  log: string[];
  closes: { code: number; reason: string; wasClean: boolean }[];
  /** WebSockets the page constructed (only with `countAttempts`). */
  attempts: number;
  state: string;
  retryCount: number | undefined;
}

/** `promise`, or a rejection naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Never leave a Chromium stopped, whatever failed: woken before each cleanup.
const chromium = bundlePageInChromium('heartsocket in the real world', resumeStoppedChildren);

/** A fresh page with the bundle loaded; page errors are collected (refused WebSockets aside). */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await chromium.context.newPage();
  chromium.cleanups.push(() => page.close());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/WebSocket connection to .* failed/.test(message.text())) errors.push(message.text());
  });
  await page.goto(chromium.url);
  await page.waitForFunction(() => 'heartsocket' in window, undefined, { timeout: 10_000 });
  return { page, errors };
}

/**
 * Creates `window.socket` in the page (isPong: `'pong'`) and its records. With `countAttempts`,
 * the socket gets a subclass of the browser's WebSocket that counts constructions: attempts the
 * browser blocked before they reached the network are counted too. Returns the state it started in.
 */
function createSocket(page: Page, url: string, options: PageOptions, countAttempts = false): Promise<string> {
  return page.evaluate(
    ({ url, options, countAttempts }) => {
      const w = window as any;
      const record = { log: [] as string[], closes: [] as unknown[], attempts: 0 };
      w.record = record;
      class CountingWebSocket extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          record.attempts++;
        }
      }
      const socket = new w.heartsocket.HeartSocket(url, [], {
        ...options,
        heartbeat: { ...options.heartbeat, isPong: (data: unknown) => data === 'pong' },
        ...(countAttempts ? { WebSocket: CountingWebSocket } : {}),
      });
      socket.addEventListener('statechange', (e: any) => record.log.push(`state ${e.state}`));
      socket.addEventListener('open', () => record.log.push('open'));
      socket.addEventListener('close', (e: CloseEvent) => {
        record.log.push(`close ${e.code} ${e.reason}`);
        record.closes.push({ code: e.code, reason: e.reason, wasClean: e.wasClean });
      });
      // Which way out of awaitingPong the machine took (forPong, forBufferedInput, forPongAgain, …).
      let substate: string | undefined;
      socket.actor.subscribe((snapshot: any) => {
        const now = snapshot.value?.running?.live?.connected?.awaitingPong;
        if (typeof now === 'string' && now !== substate) record.log.push(`  awaitingPong.${now}`);
        substate = now;
      });
      w.socket = socket;
      return socket.state as string;
    },
    { url, options, countAttempts },
  );
}

function readRecord(page: Page): Promise<PageRecord> {
  return page.evaluate(() => {
    const w = window as any;
    return { ...w.record, state: w.socket.state, retryCount: w.socket.retryCount };
  });
}

/** Waits until the page's log, from entry `from` on, has an entry matching `pattern`. */
async function logged(page: Page, pattern: RegExp, { from = 0, timeout = 10_000 } = {}): Promise<void> {
  await page.waitForFunction(
    ({ source, from }) => (window as any).record.log.slice(from).some((entry: string) => new RegExp(source).test(entry)),
    { source: pattern.source, from },
    { timeout, polling: 20 },
  );
}

/** Waits until the page's socket is connected: `open`, or `awaitingPong` (still open to its user). */
async function connected(page: Page): Promise<void> {
  await page.waitForFunction(() => ['open', 'awaitingPong'].includes((window as any).socket.state), undefined, {
    timeout: 5000,
    polling: 20,
  });
}

/** Polls `condition` (in Node) until it holds; false if it never did within `timeout`. */
async function until(condition: () => boolean | Promise<boolean>, timeout: number): Promise<boolean> {
  const deadline = performance.now() + timeout;
  while (performance.now() < deadline) {
    if (await condition()) return true;
    await sleep(20);
  }
  return condition();
}

describe('heartsocket in headless Chromium, in real-world situations', () => {
  // A laptop lid closed, a phone that froze the browser, a debugger pause: the browser is
  // suspended with a ping in flight, and the healthy server's pong arrives while it sleeps. On
  // waking, the pong timer is long overdue; the pong is there to be read, and it must be read
  // before the peer is condemned. Then the same with a server that really died meanwhile.
  it('A. a suspended browser does not condemn a healthy peer, and still detects a dead one', async () => {
    const { page, errors } = await openPage();
    const server = await PongServer.start();
    chromium.cleanups.push(() => server.stop());
    await createSocket(page, server.url, {
      heartbeat: SUSPEND_HEARTBEAT,
      reconnect: { delay: 200 },
      closeTimeout: CLOSE_TIMEOUT,
    });
    await logged(page, /^open$/);

    const ROUNDS = 3;
    const rounds: { closes: string[]; reconnects: number; pingsAfterWake: number; state: string }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await connected(page); // after a failed round, once it has reconnected
      const { log: { length: from }, closes: { length: closesBefore } } = await readRecord(page);
      const upgradesBefore = server.upgrades;
      // The page sent a ping: it is in awaitingPong, its pong timer running.
      const ping = await within(server.holdNextPing(), 5000, 'heartbeat ping');
      const pingsBefore = server.pings;
      const suspended = await suspendChromium();
      try {
        ping.answer(); // the healthy peer answers at once, into a sleeping browser
        await sleep(SUSPEND_MS);
      } finally {
        suspended.resume();
      }
      // Awake: either the pong is read and the heartbeat goes on (two more pings answered), or
      // the socket was closed.
      await until(async () => server.pings >= pingsBefore + 2 || (await readRecord(page)).closes.length > closesBefore, 5000);
      const { log, state } = await readRecord(page);
      const sinceRound = log.slice(from);
      console.info(`A, round ${round} (${suspended.processes} processes suspended): ${sinceRound.join(' | ')}`);
      rounds.push({
        closes: sinceRound.filter((entry) => entry.startsWith('close')),
        reconnects: server.upgrades - upgradesBefore,
        pingsAfterWake: Math.min(2, server.pings - pingsBefore),
        state: state === 'awaitingPong' ? 'open' : state, // between a ping and its pong, still open
      });
    }
    // Soft: the dead-peer half below still runs (and reports) when a round failed.
    expect.soft(rounds).toEqual(Array.from({ length: ROUNDS }, () => ({ closes: [], reconnects: 0, pingsAfterWake: 2, state: 'open' })));

    // The same suspend, but the server dies meanwhile (half-open: it answers nothing, not even the
    // close frame). The late timer earns one more wait, no more: the dead peer is still found.
    await connected(page);
    const { log: { length: from }, closes: { length: closesBefore } } = await readRecord(page);
    await within(server.holdNextPing(), 5000, 'heartbeat ping'); // never answered
    const suspended = await suspendChromium();
    let wokeAt: number;
    try {
      server.goSilent();
      await sleep(SUSPEND_MS);
    } finally {
      suspended.resume();
      wokeAt = performance.now();
    }
    // One more pong timeout, then the close handshake's timeout; the rest is slack for waking.
    const bound = SUSPEND_HEARTBEAT.timeout + CLOSE_TIMEOUT + 1500;
    await logged(page, /^close /, { from, timeout: bound });
    const detectedAfter = performance.now() - wokeAt;
    const { log, closes } = await readRecord(page);
    console.info(`A, dead peer after a suspend: closed ${Math.round(detectedAfter)} ms after waking: ${log.slice(from).join(' | ')}`);
    expect(closes[closesBefore]).toEqual({ code: 4000, reason: 'heartbeat timeout', wasClean: false });
    const beforeClose = log.slice(from, log.findIndex((entry, i) => i >= from && entry.startsWith('close')));
    expect(beforeClose).not.toContain('state open'); // no pong was heard: nothing reopened it in between
    expect(detectedAfter).toBeLessThan(bound);

    // And the socket reconnects to the (still listening) server.
    await logged(page, /^open$/, { from });
    expect(errors).toEqual([]);
  }, 60_000);

  // A server (or a middlebox) that stops answering while the TCP connection stays up: the
  // heartbeat finds it, and the app's onclose must say so — 4000 'heartbeat timeout' — even
  // though the close frame is never answered and the socket has to be abandoned.
  it('B. after a heartbeat failure the close event is 4000 heartbeat timeout', async () => {
    const { page, errors } = await openPage();
    const server = await PongServer.start();
    chromium.cleanups.push(() => server.stop());
    await createSocket(page, server.url, { heartbeat: HEARTBEAT, reconnect: { delay: 200 }, closeTimeout: CLOSE_TIMEOUT });
    await logged(page, /^open$/);
    // The heartbeat works while the server answers.
    expect(await until(() => server.pings >= 2, 5000)).toBe(true);
    expect((await readRecord(page)).closes).toEqual([]);

    server.goSilent();
    await logged(page, /^close /, { timeout: 5000 });
    const { closes, log } = await readRecord(page);
    expect(closes[0]).toEqual({ code: 4000, reason: 'heartbeat timeout', wasClean: false });
    // The way there: a ping unanswered, the closing handshake unanswered, then the close event.
    const states = log.slice(0, log.indexOf('close 4000 heartbeat timeout')).filter((entry) => entry.startsWith('state'));
    expect(states.slice(-3)).toEqual(['state awaitingPong', 'state closing', 'state reconnectWait']);

    // It reconnects: the new connection is served.
    await logged(page, /^open$/, { from: log.length });
    expect(errors).toEqual([]);
  }, 30_000);

  // A laptop on a train opens the app with no network: the socket must not burn its retries on
  // attempts that cannot succeed, and must connect as soon as the network comes back.
  it('C. a page created offline waits for online, then connects', async () => {
    const { page, errors } = await openPage();
    const server = await PongServer.start();
    chromium.cleanups.push(() => server.stop());

    // Offline blocks loopback WebSockets too: Chromium fails them (1006) before a byte reaches the
    // server. So attempts are counted in the page, where they are made, as well as at the server.
    await chromium.context.setOffline(true);
    chromium.cleanups.push(() => chromium.context.setOffline(false));
    await page.waitForFunction(() => navigator.onLine === false, undefined, { timeout: 5000 });
    const initialState = await createSocket(
      page,
      server.url,
      { heartbeat: { interval: 1000, timeout: 1000 }, reconnect: { delay: 300, maxRetries: 3 } },
      true,
    );
    // Long enough for several retries at 300 ms, and for maxRetries: 3 to run out.
    await sleep(2000);
    const offline = await readRecord(page);
    // Soft: what going online does is reported even when this failed.
    expect.soft({
      initialState,
      state: offline.state,
      attempts: offline.attempts,
      upgrades: server.upgrades,
      retryCount: offline.retryCount,
      closes: offline.closes.length,
    }).toEqual({ initialState: 'reconnectWait', state: 'reconnectWait', attempts: 0, upgrades: 0, retryCount: 0, closes: 0 });

    await chromium.context.setOffline(false);
    await logged(page, /^open$/, { timeout: 5000 }).catch(() => {}); // the assertion below says what happened
    const online = await readRecord(page);
    expect({
      state: online.state === 'awaitingPong' ? 'open' : online.state,
      attempts: online.attempts,
      upgrades: server.upgrades,
      retryCount: online.retryCount,
      closes: online.closes.length,
    }).toEqual({ state: 'open', attempts: 1, upgrades: 1, retryCount: 0, closes: 0 });
    expect(online.log).toEqual(['state connecting', 'state open', 'open']);
    expect(errors).toEqual([]);
  }, 30_000);
});
