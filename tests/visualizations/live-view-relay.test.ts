// The live view's path for Node processes: `createLiveViewInspector` sends a HeartSocket's
// inspection events as JSON to the relay (`startLiveViewServer`), which forwards them to every
// listening page (here: plain `ws` clients) and replays them to late ones.
import { createWebSocketInspector } from '@statelyai/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { createLiveViewInspector, type LiveViewEvent } from '../../visualizations/inspector/liveView.js';
import { stateNameOf } from '../../machine/stateName.js';
import { startLiveViewServer } from '../../visualizations/page/serve.js';
import { resumable } from '../../adapters/resume/index.js';
import { cleanup as cleanupSupport } from '../support/client.js';
import { TestServer } from '../support/server.js';
import { accept, startWss } from '../support/wss.js';
import { sleep, waitFor } from '../support/wait.js';
import { dedupe } from '../support/dedupe.js';
import { wsText } from '../support/text.js';

const root = new URL('../..', import.meta.url).pathname;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await cleanupSupport();
});

/** A page's end of the relay: collects what arrives. */
async function listen(url: string): Promise<{ messages: Record<string, any>[]; raw: string[] }> {
  const raw: string[] = [];
  const messages: Record<string, any>[] = [];
  const ws = new WebSocket(url);
  ws.on('message', (data) => {
    raw.push(wsText(data));
    messages.push(JSON.parse(wsText(data)));
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  cleanups.push(() => ws.terminate());
  return { messages, raw };
}

const rootStates = (messages: readonly Record<string, any>[]): string[] => {
  const root = messages.find((m) => m.type === '@xstate.actor' && m.name === 'heartsocket');
  if (root === undefined) return [];
  return dedupe(
    messages
      .filter((m) => m.type === '@xstate.snapshot' && m.sessionId === root.sessionId)
      .map((m) => stateNameOf(m.snapshot)),
  );
};

describe('createLiveViewInspector → relay → live view', () => {
  it('forwards a reconnect cycle as JSON, with the transitions taken, and replays it to late listeners', async () => {
    const relay = await startLiveViewServer({ root, bundle: '' });
    cleanups.push(() => relay.close());
    const server = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => server.stop());
    const page = await listen(relay.relayUrl);

    const live = createLiveViewInspector(relay.relayUrl, { WebSocket });
    cleanups.push(() => live.stop());
    const socket = new HeartSocket(server.url, [], {
      WebSocket,
      heartbeat: { interval: 40, timeout: 1000, isPong: (data) => String(data) === 'pong' },
      reconnect: { delay: 30, minUptime: 60_000 },
      inspect: live.inspect,
    });
    cleanups.push(() => socket.close());

    await waitFor(() => /^connecting,open,awaitingPong,open/.test(rootStates(page.messages).join()), 'a heartbeat', 5000);
    server.terminateAll();
    const cycle = /^connecting,open,(awaitingPong,open,)+(awaitingPong,)?reconnectWait,connecting,open/;
    await waitFor(() => cycle.test(rootStates(page.messages).join()), 'the reconnect', 5000);

    const messages = page.messages as LiveViewEvent[];
    const rootActor = messages.find((m) => m.type === '@xstate.actor' && m.name === 'heartsocket')!;
    expect(rootActor.rootId).toBe(rootActor.sessionId);
    expect(rootActor.type === '@xstate.actor' && rootActor.parentId).toBeUndefined();
    // Each microstep names the transitions taken by state node id: what the page highlights.
    const steps = messages.flatMap((m) => (m.type === '@xstate.microstep' ? m.transitions : []));
    expect(steps).toContainEqual({
      source: 'heartsocket.running.live.connected.awaitingPong',
      targets: ['heartsocket.running.live.connected.open'],
      eventType: 'PEER.HEARD',
    });
    expect(steps).toContainEqual({
      source: 'heartsocket.running.live.connected',
      targets: ['heartsocket.running.reconnectWait'],
      eventType: 'SOCKET.CLOSE',
    });
    expect(steps).toContainEqual({
      source: 'heartsocket.running.reconnectWait.backoff',
      targets: ['heartsocket.running.live'],
      eventType: 'xstate.after.reconnectDelay.heartsocket.running.reconnectWait.backoff',
    });
    // Only plain data: functions of the context are left out, errors and events named.
    const snapshot = messages.find((m) => m.type === '@xstate.snapshot' && m.sessionId === rootActor.sessionId)!;
    expect(snapshot.type === '@xstate.snapshot' && snapshot.snapshot.context).toMatchObject({
      retries: 0,
      settings: { heartbeat: { interval: 40 }, reconnect: { delay: 30 } },
    });
    expect(JSON.stringify(snapshot)).not.toContain('silentFor');
    expect(live.dropped).toBe(0);

    // A page that opens later gets the story so far.
    const late = await listen(relay.relayUrl);
    await waitFor(() => cycle.test(rootStates(late.messages).join()), 'the replay', 5000);
    expect(late.raw.slice(0, 3)).toEqual(page.raw.slice(0, 3));

    // stop(): nothing more is sent — the close() that follows never reaches the page.
    live.stop();
    socket.close();
    await waitFor(() => socket.state === 'closed', 'the socket closed', 5000);
    await sleep(200);
    expect(live.dropped).toBeGreaterThan(0);
    expect(rootStates(page.messages)).not.toContain('closed');
    expect(page.messages.some((m) => m.type === '@xstate.event' && m.event.type === 'CLOSE')).toBe(false);
  });

  it('a late page gets the states in full and only the latest traffic report of each socket', async () => {
    const relay = await startLiveViewServer({ root, bundle: '', replay: 50 });
    cleanups.push(() => relay.close());
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const live = createLiveViewInspector(relay.relayUrl, { WebSocket });
    cleanups.push(() => live.stop());
    const socket = new HeartSocket(server.url, [], { WebSocket, heartbeat: false });
    cleanups.push(() => socket.close());
    live.watch(socket);
    const early = await listen(relay.relayUrl);
    // More traffic reports than the replay keeps: one per 250 ms while messages flow.
    for (let round = 0; round < 4; round++) {
      socket.send(`message ${round}`);
      await sleep(300);
    }
    const reports = (messages: Record<string, any>[]) => messages.filter((m) => m.type === 'heartsocket.traffic');
    await waitFor(() => reports(early.messages).at(-1)?.traffic.received.messages === 4, 'four echoes reported', 5000);
    expect(reports(early.messages).length).toBeGreaterThan(1);

    const late = await listen(relay.relayUrl);
    await waitFor(() => reports(late.messages).length === 1, 'the latest report', 5000);
    expect(reports(late.messages)[0]!.traffic).toEqual(reports(early.messages).at(-1)!.traffic);
    expect(late.messages.filter((m) => m.type !== 'heartsocket.traffic')).toEqual(early.messages.filter((m) => m.type !== 'heartsocket.traffic'));
  });

  it('a late page gets only the latest session report of each socket with resume on, and it ends the story once the watch ends', async () => {
    const relay = await startLiveViewServer({ root, bundle: '', replay: 50 });
    cleanups.push(() => relay.close());
    const { wss, url } = await startWss();
    accept(wss, { sessions: {} });
    const live = createLiveViewInspector(relay.relayUrl, { WebSocket });
    cleanups.push(() => live.stop());
    const socket = new HeartSocket(url, [], { WebSocket, heartbeat: false, resume: resumable() });
    cleanups.push(() => socket.close());
    const unwatch = live.watch(socket);
    const early = await listen(relay.relayUrl);
    await new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    // One report per change: each send changes the counts.
    for (let round = 0; round < 3; round++) {
      socket.send(`message ${round}`);
      await sleep(300);
    }
    const sessions = (messages: Record<string, any>[]) => messages.filter((m) => m.type === 'heartsocket.session');
    await waitFor(() => sessions(early.messages).at(-1)?.session.sent === 3, 'three sends reported', 5000);
    expect(sessions(early.messages).length).toBeGreaterThan(1);

    const late = await listen(relay.relayUrl);
    await waitFor(() => sessions(late.messages).length === 1, 'the latest session report', 5000);
    expect(sessions(late.messages)[0]!.session).toEqual(sessions(early.messages).at(-1)!.session);
    expect(sessions(late.messages)[0]!.session.id).toBe(socket.session!.id);

    // Once the watch ends, its last report is part of the story for every page that comes later.
    unwatch();
    await waitFor(() => early.messages.at(-1)?.type === 'heartsocket.unwatch', 'the end of the watch', 5000);
    const later = await listen(relay.relayUrl);
    await waitFor(() => later.messages.some((m) => m.type === 'heartsocket.unwatch'), 'the replay', 5000);
    expect(sessions(later.messages)).toHaveLength(1);
    expect(sessions(later.messages)[0]!.session).toEqual(sessions(early.messages).at(-1)!.session);
  });

  it("makes each inspector's actor ids its own, so that two processes (each with its x:0) are told apart", async () => {
    const relay = await startLiveViewServer({ root, bundle: '' });
    cleanups.push(() => relay.close());
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const page = await listen(relay.relayUrl);
    const roots = new Set<string>();
    for (let index = 0; index < 2; index++) {
      const live = createLiveViewInspector(relay.relayUrl, { WebSocket });
      cleanups.push(() => live.stop());
      const socket = new HeartSocket(server.url, [], { WebSocket, heartbeat: false });
      cleanups.push(() => socket.close());
      live.watch(socket);
      await waitFor(() => page.messages.some((m) => m.type === 'heartsocket.watch' && !roots.has(m.rootId)), 'the watch', 5000);
      const own = page.messages.filter((m) => !roots.has(m.rootId));
      const rootId = own[0]!.rootId as string;
      expect(rootId).toBe(`${rootId.split('/')[0]}/${socket.actor.sessionId}`);
      // Every id of the inspector's events carries its prefix: the page can link them up.
      const prefix = `${rootId.split('/')[0]}/`;
      for (const message of own) {
        for (const field of ['sessionId', 'rootId', 'parentId', 'sourceId']) {
          if (typeof message[field] === 'string') expect(message[field]).toMatch(new RegExp(`^${prefix}x:\\d+$`));
        }
      }
      roots.add(rootId);
    }
    expect(new Set([...roots].map((id) => id.split('/')[0])).size).toBe(2);
  });

  it('counts as dropped the events still queued when stop() comes before the relay was reached', async () => {
    const probe = await startLiveViewServer({ root, bundle: '' });
    const url = probe.relayUrl;
    await probe.close(); // nothing listens there
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const live = createLiveViewInspector(url, { WebSocket });
    const socket = new HeartSocket(server.url, [], { WebSocket, heartbeat: false });
    cleanups.push(() => socket.close());
    live.watch(socket);
    expect(live.dropped).toBe(0);
    live.stop(); // the watch's last words, and everything before, never left the process
    await waitFor(() => live.dropped > 0, 'the queued events counted', 3000);
    expect(live.dropped).toBeGreaterThanOrEqual(4); // actors, watch, snapshot, unwatch
  });

  it('events sent before the relay is up are queued, then delivered in order', async () => {
    // Reserve a port, then start the relay on it only after the socket has started.
    const probe = await startLiveViewServer({ root, bundle: '' });
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const server = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => server.stop());

    const live = createLiveViewInspector(`ws://127.0.0.1:${port}`, { WebSocket });
    cleanups.push(() => live.stop());
    const socket = new HeartSocket(server.url, [], { WebSocket, heartbeat: false, inspect: live.inspect });
    cleanups.push(() => socket.close());
    await waitFor(() => socket.state === 'open', 'open', 5000);

    const relay = await startLiveViewServer({ root, bundle: '', port });
    cleanups.push(() => relay.close());
    const page = await listen(relay.relayUrl);
    await waitFor(() => rootStates(page.messages).join() === 'connecting,open', 'the queued events', 5000);
    expect(page.messages[0]).toMatchObject({ type: '@xstate.actor', name: 'heartsocket' });
  });

  it('also relays the Stately inspector (createWebSocketInspector) for the page', async () => {
    const relay = await startLiveViewServer({ root, bundle: '' });
    cleanups.push(() => relay.close());
    const server = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => server.stop());
    const page = await listen(relay.relayUrl);

    const inspector = createWebSocketInspector({ url: relay.relayUrl });
    cleanups.push(() => inspector.stop());
    const socket = new HeartSocket(server.url, [], { WebSocket, heartbeat: false, inspect: inspector.inspect });
    cleanups.push(() => socket.close());

    await waitFor(() => rootStates(page.messages).join() === 'connecting,open', 'open, in the Stately format', 5000);
    expect(page.messages.find((m) => m.type === '@xstate.actor' && m.name === 'heartsocket')).toMatchObject({
      _version: expect.any(String),
      definition: expect.stringContaining('"id":"heartsocket"'),
    });
  });
});
