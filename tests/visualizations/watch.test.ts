// watchSocket: what a live view hears of a HeartSocket it watches, on a real echo server — where
// the socket stands when the watch begins, every state after, and its traffic; and nothing once
// the watch ends (the tap is gone, so unwatched sockets pay nothing).
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { SET_TRAFFIC_TAP } from '../../adapters/trafficTap.js';
import { stateNameOf } from '../../machine/stateName.js';
import type { LiveViewEvent, LiveViewTraffic } from '../../visualizations/inspector/liveViewEvents.js';
import { TRAFFIC_REPORT_MS, watchSocket } from '../../visualizations/inspector/watch.js';
import { resumable } from '../../adapters/resume/index.js';
import { cleanup as cleanupSupport } from '../support/client.js';
import { TestServer } from '../support/server.js';
import { accept, startWss } from '../support/wss.js';
import { sleep, waitFor } from '../support/wait.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await cleanupSupport();
});

async function openSocket(server: TestServer, options: ConstructorParameters<typeof HeartSocket>[2] = {}): Promise<HeartSocket> {
  const socket = new HeartSocket(server.url, [], { WebSocket, heartbeat: false, ...options });
  cleanups.push(() => socket.close());
  await new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
  return socket;
}

const lastTraffic = (events: LiveViewEvent[]): LiveViewTraffic | undefined =>
  events.filter((event) => event.type === 'heartsocket.traffic').at(-1)?.traffic;

describe('watchSocket', () => {
  it('begins with where the socket stands: its actors, a label, and its current snapshot with the settings', async () => {
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const socket = await openSocket(server, { heartbeat: { interval: 1234, timeout: 567 } });
    const events: LiveViewEvent[] = [];
    cleanups.push(watchSocket(socket, (event) => events.push(event), { label: 'feed' }));

    expect(events.map((event) => event.type)).toEqual(['@xstate.actor', '@xstate.actor', 'heartsocket.watch', '@xstate.snapshot']);
    expect(events.every((event) => event.rootId === socket.actor.sessionId)).toBe(true);
    expect(events[1]).toMatchObject({ name: 'socket', parentId: socket.actor.sessionId });
    expect(events[2]).toMatchObject({ label: 'feed', url: `${server.url}/` });
    const snapshot = events[3]?.type === '@xstate.snapshot' ? events[3].snapshot : undefined;
    expect(stateNameOf(snapshot as never)).toBe('open');
    expect(snapshot?.context).toMatchObject({ settings: { heartbeat: { interval: 1234, timeout: 567 } } });
    // It is all plain data, as the relay sends it.
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
  });

  it('with resume on: the session when the watch begins and when its counts change; nothing after the watch ends', async () => {
    const { wss, url } = await startWss();
    accept(wss, { sessions: {} });
    const socket = await openSocket({ url } as TestServer, { resume: resumable() });
    const events: LiveViewEvent[] = [];
    const unwatch = watchSocket(socket, (event) => events.push(event));
    const sessions = () => events.flatMap((event) => (event.type === 'heartsocket.session' ? [event.session] : []));

    expect(events.map((event) => event.type)).toEqual(['@xstate.actor', '@xstate.actor', 'heartsocket.watch', '@xstate.snapshot', 'heartsocket.session']);
    const id = socket.session!.id;
    expect(sessions()[0]).toEqual({
      id,
      sent: 0,
      received: 0,
      unacknowledgedSent: 0,
      unacknowledgedReceived: 0,
      lastResume: { resumed: false, reason: null, sessionId: id },
    });
    socket.send('one');
    await waitFor(() => sessions().some((session) => session.sent === 1), 'the count reported');
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);

    unwatch();
    const count = events.length;
    socket.send('two');
    await sleep(TRAFFIC_REPORT_MS * 2);
    expect(events.length).toBe(count);
  });

  it('counts messages and bytes both ways, with previews, and reports every 250 ms while they change', async () => {
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const socket = await openSocket(server);
    const events: LiveViewEvent[] = [];
    cleanups.push(watchSocket(socket, (event) => events.push(event)));

    socket.send('héllo'); // 6 bytes in UTF-8
    socket.send(new Uint8Array(10));
    await waitFor(() => (lastTraffic(events)?.received.messages ?? 0) >= 2, 'two echoes reported');
    const traffic = lastTraffic(events)!;
    expect(traffic.sent).toEqual({ messages: 2, bytes: 16 });
    expect(traffic.received).toEqual({ messages: 2, bytes: 16 });
    expect(traffic.lastReceivedAt).toBeGreaterThan(Date.now() - 5000);
    const recent = events.flatMap((event) => (event.type === 'heartsocket.traffic' ? event.traffic.recent : []));
    expect(recent.map((message) => `${message.direction} ${message.text}`)).toEqual([
      'out "héllo"',
      'out (binary, 10 bytes)',
      'in "héllo"',
      'in (binary, 10 bytes)',
    ]);

    // Quiet: no more reports.
    const reports = events.filter((event) => event.type === 'heartsocket.traffic').length;
    await sleep(TRAFFIC_REPORT_MS * 3);
    expect(events.filter((event) => event.type === 'heartsocket.traffic').length).toBe(reports);
  });

  it('counts pongs apart from messages, and what waited in the queue', async () => {
    const server = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => server.stop());
    const socket = new HeartSocket(server.url, [], { WebSocket, heartbeat: { interval: 50, timeout: 1000 } });
    cleanups.push(() => socket.close());
    const events: LiveViewEvent[] = [];
    cleanups.push(watchSocket(socket, (event) => events.push(event)));
    socket.send('early'); // before open: queued
    await waitFor(() => (lastTraffic(events)?.pongs ?? 0) >= 2, 'two pongs reported');
    const traffic = lastTraffic(events)!;
    expect(traffic.queued).toBe(1);
    expect(traffic.sent.messages).toBe(1);
    expect(traffic.received.messages).toBe(1); // the echo of 'early'; pongs are not messages
  });

  it('streams the states after the watch began, and stops everything when the watch ends', async () => {
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const socket = await openSocket(server, { reconnect: { delay: 20 } });
    const events: LiveViewEvent[] = [];
    const unwatch = watchSocket(socket, (event) => events.push(event));
    server.terminateAll();
    await waitFor(() => events.some((event) => event.type === "@xstate.snapshot" && event.sessionId === socket.actor.sessionId && stateNameOf(event.snapshot as never) === 'reconnectWait'), 'reconnectWait seen');
    await new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    unwatch();
    expect(events.at(-1)?.type).toBe('heartsocket.unwatch');
    const count = events.length;
    socket.send('after');
    server.terminateAll();
    await sleep(TRAFFIC_REPORT_MS * 2);
    expect(events.length).toBe(count);
    unwatch(); // twice: nothing
    expect(events.length).toBe(count);

    // The tap is gone: the socket's message path is back to a null check.
    const taps = vi.spyOn(socket, SET_TRAFFIC_TAP);
    const once = watchSocket(socket, () => {});
    once();
    expect(taps.mock.calls.map(([tap]) => tap === null)).toEqual([false, true]);
    taps.mockRestore();

    // Watched again after the first watch ended: allowed. Twice at once: refused.
    const again = watchSocket(socket, () => {});
    expect(() => watchSocket(socket, () => {})).toThrow(/already watched/);
    again();
  });

  it('a view that throws cannot reach the socket: the watch ends, the socket goes on', async () => {
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const socket = await openSocket(server, { reconnect: { delay: 20 } });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    cleanups.push(() => errors.mockRestore());
    let calls = 0;
    watchSocket(socket, (event) => {
      calls += 1;
      if (event.type === '@xstate.event') throw new Error('the view broke');
    });
    const before = calls;
    server.terminateAll(); // the socket's events reach the throwing view
    await new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    expect(socket.state).toMatch(/open|awaitingPong/);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toContain('no longer watched');
    // One event reached it and threw; nothing after (the watch ended, so it may be watched again).
    expect(calls).toBe(before + 1);
    watchSocket(socket, () => {})();
  });

  it('a view that throws at the start throws at the call, and leaves nothing watching', async () => {
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const socket = await openSocket(server);
    expect(() =>
      watchSocket(socket, () => {
        throw new Error('no view');
      }),
    ).toThrow('no view');
    watchSocket(socket, () => {})(); // not "already watched"
  });

  it('a socket already closed for good shows as closed; reconnect() then shows it starting again', async () => {
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const socket = await openSocket(server);
    socket.close();
    await waitFor(() => socket.state === 'closed', 'closed');
    const events: LiveViewEvent[] = [];
    cleanups.push(watchSocket(socket, (event) => events.push(event)));
    const states = () =>
      events.flatMap((event) =>
        event.type === '@xstate.snapshot' && event.sessionId === socket.actor.sessionId ? [stateNameOf(event.snapshot as never)] : [],
      );
    expect(states()).toEqual(['closed']);
    socket.reconnect();
    await waitFor(() => states().includes('open'), 'open again');
  });

  it('counts protocol heartbeats (ws ping and pong frames) as pongs, and as the last thing heard', async () => {
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const socket = new HeartSocket(server.url, [], { WebSocket, heartbeat: { interval: 50, timeout: 1000, protocol: true } });
    cleanups.push(() => socket.close());
    const events: LiveViewEvent[] = [];
    cleanups.push(watchSocket(socket, (event) => events.push(event)));
    await waitFor(() => (lastTraffic(events)?.pongs ?? 0) >= 2, 'two protocol pongs reported');
    server.pingClients(); // the server's own ping frame counts too
    const pongs = lastTraffic(events)!.pongs;
    await waitFor(() => (lastTraffic(events)?.pongs ?? 0) > pongs, 'more pongs');
    const traffic = lastTraffic(events)!;
    expect(traffic.received.messages).toBe(0); // frames are no messages
    expect(traffic.lastReceivedAt).toBeGreaterThan(Date.now() - 1000);
  });

  it('counts bytes as sent on the wire: UTF-8 for text, a Blob by its size, ws fragments in all', async () => {
    const server = await TestServer.start();
    cleanups.push(() => server.stop());
    const socket = await openSocket(server);
    socket.binaryType = 'fragments'; // ws hands binary over as a list of Buffers
    const events: LiveViewEvent[] = [];
    cleanups.push(watchSocket(socket, (event) => events.push(event)));
    socket.send('€😀'); // 3 + 4 bytes
    socket.send(new Blob([new Uint8Array(5)]));
    await waitFor(() => (lastTraffic(events)?.received.messages ?? 0) >= 2, 'both echoes');
    const traffic = lastTraffic(events)!;
    expect(traffic.sent).toEqual({ messages: 2, bytes: 12 });
    expect(traffic.received).toEqual({ messages: 2, bytes: 12 });
  });
});
