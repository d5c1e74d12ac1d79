// heartsocket/react for real: a React 19 page (tests/browser/reactPage.ts: React, react-dom/client
// and useHeartSocket from the source, bundled by esbuild) in headless Chromium, served from
// 127.0.0.1, against a `ws` server on 127.0.0.1 that records every connection.
//
// Which React build: the DEVELOPMENT one (process.env.NODE_ENV defined as "development" when
// bundling). StrictMode's double render and its mount → unmount → mount of effects happen only in
// the development build, so only there does the StrictMode test prove anything. The render-count
// test mounts its probes outside StrictMode, where the development build renders exactly as often
// as the production one: the counts it checks are the ones users get in production too.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { root } from '../../scripts/ensure-built.mjs';
import { launchChromium } from './chromium.js';
import type { Harness, PageRecord, ProbeSpec } from './reactPage.js';
import { wsText } from '../support/text.js';
import { sleep, waitFor } from '../support/wait.js';

const REACT_BUILD = 'development';
const WAIT_MS = 10_000;
/** How long "nothing more happens" is watched for: a second socket would connect well within it. */
const QUIET_MS = 400;

/** Polls `check` until it holds, at most `ms` (by default longer than `waitFor`'s). */
const until = (check: () => boolean, what: string, ms = WAIT_MS): Promise<void> => waitFor(check, what, ms);

/** One connection the server accepted. */
interface Connection {
  path: string;
  ws: ServerSocket;
  closed: boolean;
  received: string[];
}

/** A `ws` server that keeps every connection it saw; answers `ping` with `pong`, echoes the rest. */
class RecordingServer {
  readonly connections: Connection[] = [];
  wss!: WebSocketServer;

  async start(): Promise<void> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(this.wss, 'listening');
    this.wss.on('connection', (ws, request) => {
      const connection: Connection = { path: request.url ?? '', ws, closed: false, received: [] };
      this.connections.push(connection);
      ws.on('error', () => {});
      ws.on('close', () => (connection.closed = true));
      ws.on('message', (data) => {
        const text = wsText(data);
        connection.received.push(text);
        ws.send(text === 'ping' ? 'pong' : text);
      });
    });
  }

  url(path: string): string {
    return `ws://127.0.0.1:${(this.wss.address() as { port: number }).port}${path}`;
  }

  /** Every connection ever made to `path`. */
  to(path: string): Connection[] {
    return this.connections.filter((connection) => connection.path === path);
  }

  open(path: string): Connection[] {
    return this.to(path).filter((connection) => !connection.closed);
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
  }
}

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(root, 'tests', 'browser', 'reactPage.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': JSON.stringify(REACT_BUILD) },
  });
  return result.outputFiles[0]!.text;
}

function startHttpServer(script: string): Promise<Server> {
  const html = `<!doctype html>
<meta charset="utf-8">
<title>heartsocket/react test</title>
<link rel="icon" href="data:,">
<script type="module" src="/page.js"></script>`;
  const server = createServer((request, response) => {
    if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (request.url === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe(`useHeartSocket in headless Chromium (React ${REACT_BUILD} build)`, () => {
  let http: Server | undefined;
  let server: RecordingServer | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const [script, launched] = await Promise.all([bundlePage(), launchChromium()]);
    browser = launched;
    http = await startHttpServer(script);
    server = new RecordingServer();
    await server.start();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`http://127.0.0.1:${(http.address() as { port: number }).port}/`);
    await page.waitForFunction(() => 'harness' in window, undefined, { timeout: WAIT_MS });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (http) {
      http.closeAllConnections();
      await new Promise((resolve) => http!.close(resolve));
    }
  }, 30_000);

  const mount = (slot: string, probes: ProbeSpec[], strict = false) =>
    page.evaluate(([s, p, st]) => (window as unknown as { harness: Harness }).harness.mount(s, p, st), [slot, probes, strict] as const);
  const unmount = (slot: string) => page.evaluate((s) => (window as unknown as { harness: Harness }).harness.unmount(s), slot);
  const send = (id: string, data: string) =>
    page.evaluate(([i, d]) => (window as unknown as { harness: Harness }).harness.send(i, d), [id, data] as const);
  const close = (id: string) => page.evaluate((i) => (window as unknown as { harness: Harness }).harness.close(i), id);
  /** How many times the probe has rendered. */
  const renders = (id: string): Promise<number> =>
    page.evaluate((i) => (window as unknown as { harness: Harness }).harness.record.rendered[i]?.length ?? 0, id);
  /** Waits until the probe rendered `shown` at least `times` times in all. */
  const showed = (id: string, shown: unknown[], times: number) =>
    page.waitForFunction(
      ([i, s, n]) =>
        ((window as unknown as { harness: Harness }).harness.record.rendered[i] ?? []).filter((r) => JSON.stringify(r) === s).length >= n,
      [id, JSON.stringify(shown), times] as const,
      { timeout: WAIT_MS },
    );
  /** Waits until the probe has rendered more than `count` times. */
  const rendersAfter = (id: string, count: number) =>
    page.waitForFunction(
      ([i, n]) => ((window as unknown as { harness: Harness }).harness.record.rendered[i]?.length ?? 0) > n,
      [id, count] as const,
      { timeout: WAIT_MS },
    );
  const record = (): Promise<PageRecord> => page.evaluate(() => (window as unknown as { harness: Harness }).harness.record);
  /** Waits until the probe's latest render showed `shown`. */
  const shows = (id: string, shown: unknown[]) =>
    page.waitForFunction(
      ([i, s]) => JSON.stringify((window as unknown as { harness: Harness }).harness.record.rendered[i]?.at(-1)) === s,
      [id, JSON.stringify(shown)] as const,
      { timeout: WAIT_MS },
    );

  it('re-renders a component for what it reads: state only → once per state change, not per message; lastMessage → per (filtered) message', async () => {
    const path = '/counts';
    const options = { heartbeat: false as const }; // no ping/pong state changes during the count
    await mount('counts', [
      { kind: 'state', id: 'stateOnly', url: server!.url(path), options },
      { kind: 'messages', id: 'messages', url: server!.url(path), options },
      { kind: 'filtered', id: 'filtered', url: server!.url(path), options },
    ]);
    await shows('stateOnly', ['open']);
    await shows('messages', ['open', null]);
    await shows('filtered', ['open', null]);
    await until(() => server!.open(path).length === 3, 'three connections (no share)');

    // Six messages, one task each in the page: keep-1 drop-1 keep-2 drop-2 keep-3 drop-3.
    const sent = [1, 2, 3].flatMap((n) => [`keep-${n}`, `drop-${n}`]);
    for (const data of sent) {
      for (const connection of server!.open(path)) connection.ws.send(data);
      await sleep(20);
    }
    await shows('messages', ['open', 'drop-3']);
    await shows('filtered', ['open', 'keep-3']);
    await sleep(QUIET_MS);

    const { rendered, onMessage } = await record();
    // Mounted before the socket existed (`connecting`), then `open`: two renders, whatever the messages.
    expect(rendered.stateOnly).toEqual([['connecting'], ['open']]);
    // One render per message.
    expect(rendered.messages).toEqual([['connecting', null], ['open', null], ...sent.map((data) => ['open', data])]);
    // One render per message the filter keeps; onMessage still got all six.
    expect(rendered.filtered).toEqual([['connecting', null], ['open', null], ['open', 'keep-1'], ['open', 'keep-2'], ['open', 'keep-3']]);
    expect(onMessage.filtered).toEqual(sent);
    expect(onMessage.stateOnly).toEqual(sent);

    await unmount('counts');
    await until(() => server!.open(path).length === 0, 'the three sockets closed on unmount');
    expect(server!.to(path)).toHaveLength(3);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('share: one connection per URL, counted: it stays open while one component uses it, and closes after the last', async () => {
    const path = '/shared';
    const url = server!.url(path);
    const shared = { share: true, heartbeat: { interval: 5000 } };
    await mount('sharedA', [{ kind: 'messages', id: 'sharedA', url, options: shared }]);
    await mount('sharedB', [{ kind: 'messages', id: 'sharedB', url, options: shared }]);
    await shows('sharedA', ['open', null]);
    await shows('sharedB', ['open', null]);
    await sleep(QUIET_MS);
    expect(server!.to(path)).toHaveLength(1);

    // Both components get the shared socket's messages; either can send on it.
    await send('sharedB', 'from B');
    await shows('sharedA', ['open', 'from B']);
    await shows('sharedB', ['open', 'from B']);

    // A component without `share` on the same URL gets a connection of its own.
    await mount('own', [{ kind: 'state', id: 'own', url, options: { heartbeat: { interval: 5000 } } }]);
    await shows('own', ['open']);
    await until(() => server!.to(path).length === 2, 'a second connection, for the unshared component');

    // Joining the shared socket with other options: they are ignored, with a warning (development).
    await mount('sharedC', [{ kind: 'state', id: 'sharedC', url, options: { share: true, heartbeat: { interval: 9000 } } }]);
    await shows('sharedC', ['open']);
    expect((await record()).warnings).toEqual([expect.stringMatching(/joined a shared socket made with other options/)]);
    await unmount('sharedC');
    await unmount('own');

    // The first one goes: the connection stays, and still reaches the other.
    await unmount('sharedA');
    await sleep(QUIET_MS);
    const [connection] = server!.to(path);
    expect(connection!.closed).toBe(false);
    connection!.ws.send('after A left');
    await shows('sharedB', ['open', 'after A left']);

    // The last one goes: the server sees it close.
    await unmount('sharedB');
    await until(() => connection!.closed, 'the shared connection closed after the last unmount');
    expect(server!.open(path)).toEqual([]);
    expect(server!.to(path)).toHaveLength(2);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('StrictMode (double render, effects mounted twice): one connection at the server, none left after unmount', async () => {
    const own = server!.url('/strict');
    const shared = server!.url('/strict-shared');
    const early = server!.url('/strict-early');
    await mount(
      'strict',
      [
        { kind: 'messages', id: 'strictOwn', url: own },
        { kind: 'messages', id: 'strictShared', url: shared, options: { share: true } },
        { kind: 'early', id: 'strictEarly', url: early, options: { heartbeat: false } }, // no 'ping' among the messages
      ],
      true,
    );
    await shows('strictOwn', ['open', null]);
    await shows('strictShared', ['open', null]);
    await sleep(QUIET_MS);
    expect(server!.to('/strict')).toHaveLength(1);
    expect(server!.to('/strict-shared')).toHaveLength(1);
    // Nor did the page make a second WebSocket that never reached the server.
    expect((await record()).webSockets.filter((url) => url.includes('/strict')).sort()).toEqual([own, shared, early].sort());
    // The remount got the very socket of the first mount (its close was put off, then called off):
    // the child's effect ran twice, as StrictMode does, and both messages reached the one connection
    // — the first one is not left in a socket closed by the simulated unmount.
    await until(() => server!.to('/strict-early')[0]?.received.length === 2, 'both early messages');
    expect(server!.to('/strict-early').map((c) => c.received)).toEqual([['early', 'early']]);
    // The socket the component shows is the live one: its message comes back.
    await send('strictOwn', 'echo me');
    await shows('strictOwn', ['open', 'echo me']);
    // StrictMode did render twice (the development build): the proof that it was in force.
    const rendered = (await record()).rendered.strictOwn!;
    expect(rendered.filter(([state]) => state === 'connecting').length).toBeGreaterThanOrEqual(2);

    await unmount('strict');
    const paths = ['/strict', '/strict-shared', '/strict-early'];
    await until(() => paths.every((path) => server!.open(path).length === 0), 'all three closed');
    for (const path of paths) expect(server!.to(path)).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('a changed URL reconnects: the old socket closes, a new one opens at the new URL; null means none', async () => {
    const probe = (url: string | null): ProbeSpec => ({ kind: 'early', id: 'moving', url, options: { heartbeat: false } });
    await mount('moving', [probe(null)]);
    await shows('moving', ['closed', null]);
    await sleep(QUIET_MS);
    expect(server!.to('/one')).toEqual([]);

    // From no URL to /one: the child's `send('early')` ran before the socket existed; it waited.
    await mount('moving', [probe(server!.url('/one'))]);
    await shows('moving', ['open', 'early']);
    expect(server!.to('/one').map((c) => c.received)).toEqual([['early']]);

    await mount('moving', [probe(server!.url('/two'))]);
    await shows('moving', ['open', null]); // lastMessage starts over with the new socket
    await until(() => server!.to('/one')[0]!.closed, 'the /one socket closed');
    expect(server!.open('/two')).toHaveLength(1);
    await send('moving', 'to two');
    await shows('moving', ['open', 'to two']);
    expect(server!.to('/two')[0]!.received).toEqual(['to two']);

    await mount('moving', [probe(null)]);
    await shows('moving', ['closed', null]);
    await until(() => server!.open('/two').length === 0, 'the /two socket closed');

    await unmount('moving');
    expect(server!.to('/one')).toHaveLength(1);
    expect(server!.to('/two')).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  }, 30_000);
  it('status: a healthy heartbeat does not change it (no re-render per ping round); a lost connection shows reconnecting, not connecting', async () => {
    const path = '/status';
    const url = server!.url(path);
    const options = { heartbeat: { interval: 50, timeout: 5000 }, reconnect: { delay: 50 } };
    await mount('status', [
      { kind: 'status', id: 'status', url, options },
      { kind: 'state', id: 'fine', url, options },
    ]);
    await shows('status', ['open']);
    // The fine state passes through awaitingPong on every round: three rounds of it have run.
    await showed('fine', ['awaitingPong'], 3);
    expect((await record()).rendered.status).toEqual([['connecting'], ['open']]);

    // The connection is lost: a retry is coming, which the status tells from a first connect.
    for (const connection of server!.open(path)) connection.ws.terminate();
    await showed('status', ['open'], 2);
    const { rendered } = await record();
    expect(rendered.status).toEqual([['connecting'], ['open'], ['reconnecting'], ['open']]);
    expect(rendered.fine).toContainEqual(['reconnectWait']); // the fine state says how it got there

    await unmount('status');
    await until(() => server!.open(path).length === 0, 'closed on unmount');
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('send after close(): no throw out of the handler, and not lost without a word: onError gets the HeartSocketError', async () => {
    const path = '/closer';
    await mount('closer', [{ kind: 'messages', id: 'closer', url: server!.url(path), options: { heartbeat: false } }]);
    await shows('closer', ['open', null]);
    await close('closer');
    await shows('closer', ['closed', null]);
    expect(await send('closer', 'too late')).toBeNull();
    expect((await record()).onError.closer).toEqual([expect.stringMatching(/^HeartSocketError CLOSED heartsocket: send\(\) after the connection was closed/)]);
    expect(server!.to(path).map((connection) => connection.received)).toEqual([[]]);
    // close() is not an end the app needs telling about.
    expect((await record()).onReconnectStop.closer).toBeUndefined();
    await unmount('closer');
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('onReconnectStop: told once when the retries are used up; reconnect.delay as a function gets each retry number', async () => {
    // A port nobody listens on: every attempt is refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    await mount('giveUp', [
      { kind: 'status', id: 'giveUp', url: `ws://127.0.0.1:${port}/`, delayFunction: true, options: { heartbeat: false, reconnect: { maxRetries: 2 } } },
    ]);
    await shows('giveUp', ['closed']);
    const { rendered, onReconnectStop, delays } = await record();
    expect(onReconnectStop.giveUp).toEqual([1006]);
    expect(delays.giveUp).toEqual([1, 2]);
    expect(rendered.giveUp).toEqual([['connecting'], ['reconnecting'], ['closed']]);
    await unmount('giveUp');
    // Any 'WebSocket connection failed' console errors of the refused attempts are Chromium's own.
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((error) => !error.includes(`127.0.0.1:${port}`)));
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('the socket functions come from the latest render: shouldReconnect and heartbeat.message', async () => {
    const path = '/latest';
    const probe = (shouldReconnect: boolean, pingTag: string): ProbeSpec => ({
      kind: 'status',
      id: 'latest',
      url: server!.url(path),
      shouldReconnect,
      pingTag,
      options: { heartbeat: { interval: 50, timeout: 5000 }, reconnect: { delay: 20 } },
    });
    await mount('latest', [probe(true, 'a')]);
    await shows('latest', ['open']);
    await until(() => server!.to(path)[0]?.received.includes('ping-a') === true, 'a ping of the first render');
    await mount('latest', [probe(false, 'b')]); // new inline functions: no new socket, but they are the ones called
    await until(() => server!.to(path)[0]!.received.includes('ping-b'), 'a ping of the latest render');
    server!.to(path)[0]!.ws.close(4001, 'go away');
    // The latest shouldReconnect says no: closed for good (with the first one's yes, it would retry).
    await shows('latest', ['closed']);
    expect((await record()).onReconnectStop.latest).toEqual([4001]);
    expect(server!.to(path)).toHaveLength(1);
    await unmount('latest');
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('the URL as a function (async): a new inline function per render does not reconnect; the retry calls the latest; sharing it takes a key', async () => {
    const base = server!.url('/token');
    const probe = (token: string): ProbeSpec => ({
      kind: 'status',
      id: 'token',
      url: base,
      urlFunction: 'async',
      token,
      options: { heartbeat: false, reconnect: { delay: 20 } },
    });
    await mount('token', [probe('1')]);
    await shows('token', ['open']);
    for (const token of ['2', '3']) {
      const before = await renders('token');
      await mount('token', [probe(token)]);
      await rendersAfter('token', before); // rendered, effects run: a reconnect would have begun
    }
    for (const connection of server!.open('/token?token=1')) connection.ws.terminate();
    await until(() => server!.open('/token?token=3').length === 1, 'the retry, with the latest token');
    // One socket per attempt, none for the re-renders.
    expect((await record()).webSockets.filter((url) => url.startsWith(base))).toEqual([`${base}?token=1`, `${base}?token=3`]);
    await unmount('token');

    // Shared by a key: one connection for both.
    const shared = (id: string): ProbeSpec => ({ kind: 'status', id, url: server!.url('/keyed'), urlFunction: 'sync', token: 'k', options: { share: 'keyed feed', heartbeat: false } });
    await mount('keyed', [shared('keyedA'), shared('keyedB')]);
    await shows('keyedA', ['open']);
    await shows('keyedB', ['open']);
    expect((await record()).webSockets.filter((url) => url.includes('/keyed'))).toHaveLength(1);
    // The first attempt connected: the url function worked from the first call, in the constructor.
    expect((await record()).onError.keyedA).toBeUndefined();
    await unmount('keyed');
    await until(() => server!.open('/keyed?token=k').length === 0, 'the keyed socket closed');
    expect(pageErrors).toEqual([]);

    // share: true has no URL to share by: a TypeError that says what to do.
    await mount('unkeyed', [{ ...shared('unkeyed'), options: { share: true } }]);
    await until(() => pageErrors.some((error) => /options\.share must be a key/.test(error)), 'the TypeError');
    await unmount('unkeyed');
    pageErrors.splice(0);
  }, 30_000);

  it('unmount: the socket closes a microtask later (as the README and TSDoc say), not during the unmount', async () => {
    const path = '/unmount';
    await mount('unmount', [{ kind: 'messages', id: 'unmount', url: server!.url(path), options: { heartbeat: false } }]);
    await shows('unmount', ['open', null]);
    const [atOnce, afterMicrotasks] = await page.evaluate(
      () => (window as unknown as { harness: Harness }).harness.unmountWatching('unmount', 'unmount'),
    );
    expect(atOnce).toBe('open');
    expect(afterMicrotasks).toBe('closing');
    await until(() => server!.open(path).length === 0, 'closed at the server');
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('options that take a new socket say so when they change (development): once, and not for new inline functions', async () => {
    const path = '/changed';
    const probe = (interval: number, pingTag: string): ProbeSpec => ({
      kind: 'status', id: 'changed', url: server!.url(path), pingTag, options: { heartbeat: { interval, timeout: 5000 } },
    });
    const changed = async () => (await record()).warnings.filter((warning) => /socket options changed after the socket was made/.test(warning));
    await mount('changed', [probe(5000, 'a')]);
    await shows('changed', ['open']);
    let before = await renders('changed');
    await mount('changed', [probe(5000, 'b')]); // a new inline heartbeat.message: fine
    await rendersAfter('changed', before);
    expect(await changed()).toEqual([]);
    for (const interval of [1000, 2000]) {
      before = await renders('changed');
      await mount('changed', [probe(interval, 'b')]);
      await rendersAfter('changed', before);
    }
    expect(await changed()).toEqual([expect.stringMatching(/give the hook a new URL \(or remount it\) to apply them/)]);
    expect(server!.to(path)).toHaveLength(1);
    await unmount('changed');
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
