/**
 * heartsocket/server in the trouble backend engineers meet (issue #21): hooks that throw, a
 * heartbeat started twice or left behind by a closed server, sockets that never pass through
 * `'connection'`, a stalled server, slow uploads and paused reading, and what an operator reads.
 * Real `ws` servers and clients on 127.0.0.1; the network's trouble is a real TCP proxy
 * (tests/support/proxy.ts).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WsWebSocket, { WebSocketServer, type WebSocket } from 'ws';
import { acceptHeartbeats, type DropReason } from '../../adapters/server/index.js';
import { cleanup, onCleanup, sleep, waitFor } from '../support/client.js';
import { TcpProxy } from '../support/proxy.js';
import { stall } from '../support/stall.js';
import { wsText } from '../support/text.js';
import { accept, startWss } from '../support/wss.js';

/** A raw `ws` client (it never pings: a quiet client), terminated on cleanup. */
async function rawClient(url: string): Promise<WsWebSocket> {
  const client = new WsWebSocket(url);
  client.on('error', () => {});
  onCleanup(() => client.terminate());
  await once(client, 'open');
  return client;
}

/** The next text message a raw client gets. */
async function nextText(client: WsWebSocket): Promise<string> {
  const [data] = (await once(client, 'message')) as [Buffer];
  return wsText(data);
}

/** Records the close codes of every connection the server accepts, from its `'connection'` event. */
function serverCloses(wss: WebSocketServer): number[] {
  const closes: number[] = [];
  wss.on('connection', (ws) => {
    ws.on('close', (code) => closes.push(code));
    ws.on('error', () => {});
  });
  return closes;
}

describe('hooks that throw: reported to onError, the server keeps serving', () => {
  afterEach(cleanup);

  it('a throwing pong leaves that ping unanswered; a throwing onPing still answers; both reach onError with the connection', async () => {
    const { wss, url } = await startWss();
    const reported: [message: string, ws: WebSocket | undefined][] = [];
    let pongThrows = true;
    accept(wss, {
      maxSilence: false,
      pong: () => {
        if (pongThrows) throw new Error('pong failed');
        return 'pong';
      },
      onPing: () => {
        throw new Error('onPing failed');
      },
      onError: (error, ws) => reported.push([(error as Error).message, ws]),
    });
    const client = await rawClient(url);
    const [connection] = wss.clients;

    client.send('ping');
    await waitFor(() => reported.length === 2, () => `two reports; ${JSON.stringify(reported.map(([m]) => m))}`);
    pongThrows = false;
    client.send('ping');
    expect(await nextText(client)).toBe('pong'); // the first ping went unanswered: this is the second's

    expect(reported.map(([message]) => message)).toEqual(['pong failed', 'onPing failed', 'onPing failed']);
    expect(reported.every(([, ws]) => ws === connection)).toBe(true);
    expect(client.readyState).toBe(WsWebSocket.OPEN);
  });

  it('by default reports to console.error; an onError that throws goes there too, with the error', async () => {
    const { wss, url } = await startWss();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    onCleanup(() => consoleError.mockRestore());
    const boom = new Error('onPing failed');
    const heartbeats = accept(wss, { maxSilence: false, onPing: () => { throw boom; } });
    const client = await rawClient(url);

    client.send('ping');
    expect(await nextText(client)).toBe('pong');
    await waitFor(() => consoleError.mock.calls.length === 1, 'the report');
    expect(consoleError.mock.calls[0]).toContain(boom);

    heartbeats.stop();
    const reportingError = new Error('onError failed');
    accept(wss, { maxSilence: false, onPing: () => { throw boom; }, onError: () => { throw reportingError; } });
    client.send('ping');
    expect(await nextText(client)).toBe('pong');
    await waitFor(() => consoleError.mock.calls.length === 2, 'the second report');
    expect(consoleError.mock.calls[1]).toEqual([expect.stringMatching(/onError threw/), reportingError, boom]);
  });

  it('a throwing onDrop: the client is dropped all the same, the error reported, the others served', async () => {
    const { wss, port, url } = await startWss();
    const closes = serverCloses(wss);
    const reported: unknown[] = [];
    accept(wss, { maxSilence: 200, onDrop: () => { throw new Error('onDrop failed'); }, onError: (error) => reported.push(error) });
    const proxy = await TcpProxy.start(port);
    await rawClient(proxy.url);
    proxy.freeze();

    await waitFor(() => closes.length === 1, 'the drop');
    await waitFor(() => reported.length === 1, 'the report');
    expect((reported[0] as Error).message).toBe('onDrop failed');
    const client = await rawClient(url);
    client.send('ping');
    expect(await nextText(client)).toBe('pong');
  });
});

describe('lifecycle: one heartbeat per server, nothing left behind', () => {
  afterEach(cleanup);

  it('refuses a second acceptHeartbeats on the same server (it would probe twice); after stop() it may start again', async () => {
    const { wss, url } = await startWss();
    const first = accept(wss, { maxSilence: false });
    expect(() => acceptHeartbeats(wss)).toThrow(/^heartsocket: acceptHeartbeats already runs on this server; .*stop\(\) it first\.$/);
    expect(() => acceptHeartbeats(wss, { maxSilence: 500 })).toThrow(Error);
    const client = await rawClient(url);
    client.send('ping');
    expect(await nextText(client)).toBe('pong'); // the first still serves, once
    first.stop();
    accept(wss, { maxSilence: false, pong: 'second' });
    client.send('ping');
    expect(await nextText(client)).toBe('second');
  });

  it('started and stopped twice in turn: no wrapper stays on emit or handleUpgrade, no listener on the server', async () => {
    const { wss, url } = await startWss();
    const client = await rawClient(url);
    const [connection] = wss.clients;
    const ownKeys = (object: object) => Object.keys(object).filter((key) => key === 'emit' || key === 'handleUpgrade');

    for (let round = 0; round < 2; round++) {
      const heartbeats = acceptHeartbeats(wss, { maxSilence: 1000 });
      expect(ownKeys(connection!)).toEqual(['emit']);
      expect(ownKeys(wss)).toEqual(['handleUpgrade']);
      heartbeats.stop();
      expect(ownKeys(connection!)).toEqual([]);
      expect(ownKeys(wss)).toEqual([]);
      expect(wss.listenerCount('close')).toBe(0);
    }
    const pings: string[] = [];
    connection!.on('message', (data) => pings.push(wsText(data)));
    client.send('ping');
    await waitFor(() => pings.length === 1, 'the app to get the ping');
  });

  it('stops with the server: wss.close() without stop() clears the sweep timer and the server\'s listener', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const clearIntervalSpy = vi.spyOn(globalThis, 'clearInterval');
    onCleanup(() => clearIntervalSpy.mockRestore());
    const heartbeats = acceptHeartbeats(wss, { maxSilence: 1000 });
    onCleanup(() => heartbeats.stop());

    await new Promise<void>((resolve) => wss.close(() => resolve()));

    expect(clearIntervalSpy).toHaveBeenCalledTimes(1);
    expect(wss.listenerCount('close')).toBe(0);
    expect(Object.keys(wss)).not.toContain('handleUpgrade');
  });
});

describe('every socket the server accepts is covered, whether or not it passes through "connection"', () => {
  afterEach(cleanup);

  /** A `noServer` ws server on an HTTP server whose upgrade callback uses the socket directly. */
  async function directUpgradeServer(): Promise<{ wss: WebSocketServer; port: number; messages: string[]; closes: number[] }> {
    const wss = new WebSocketServer({ noServer: true });
    const http = createServer();
    const messages: string[] = [];
    const closes: number[] = [];
    http.on('upgrade', (request: IncomingMessage, socket, head) => {
      wss.handleUpgrade(request, socket, head, (ws) => {
        // No wss.emit('connection'): the app uses the socket here.
        ws.on('message', (data) => messages.push(wsText(data)));
        ws.on('close', (code) => closes.push(code));
      });
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    onCleanup(async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
    return { wss, port: (http.address() as AddressInfo).port, messages, closes };
  }

  it('noServer, handleUpgrade callback: pings answered and hidden, a vanished client dropped', async () => {
    const { wss, port, messages, closes } = await directUpgradeServer();
    const heartbeats = accept(wss, { maxSilence: 200 });
    const client = await rawClient(`ws://127.0.0.1:${port}`);
    client.send('ping');
    expect(await nextText(client)).toBe('pong');
    client.send('hello');
    await waitFor(() => messages.length === 1, 'the app to get hello');
    expect(messages).toEqual(['hello']);

    const proxy = await TcpProxy.start(port);
    await rawClient(proxy.url);
    expect(heartbeats.stats().watched).toBe(2);
    proxy.freeze();
    await waitFor(() => closes.length === 1, 'the vanished client to be dropped');
    expect(closes).toEqual([1006]);
    expect(heartbeats.stats()).toMatchObject({ watched: 1, dropped: 1 });
  });

  it("watches a socket before any 'connection' listener runs, even one added before acceptHeartbeats", async () => {
    const { wss, url } = await startWss();
    const seen: boolean[] = [];
    const heartbeats: { current?: ReturnType<typeof acceptHeartbeats> } = {};
    wss.on('connection', (ws) => seen.push(heartbeats.current?.connection(ws) !== undefined));
    heartbeats.current = accept(wss, { maxSilence: false });
    await rawClient(url);
    await waitFor(() => seen.length === 1, 'the connection');
    expect(seen).toEqual([true]);
  });

  it('watch(ws, request) covers a socket of another server, bytes and all', async () => {
    const { wss } = await startWss();
    const heartbeats = accept(wss, { maxSilence: 200 });
    const other = await startWss(); // no heartbeat of its own
    const closes = serverCloses(other.wss);
    other.wss.on('connection', (ws, request) => heartbeats.watch(ws, request));
    const client = await rawClient(other.url);
    client.send('ping');
    expect(await nextText(client)).toBe('pong');
    const proxy = await TcpProxy.start(other.port);
    await rawClient(proxy.url);
    proxy.freeze();
    await waitFor(() => closes.length === 1, 'the vanished client to be dropped');
    expect(heartbeats.stats()).toMatchObject({ watched: 1, dropped: 1 });
  });
});

describe('a stalled server, slow uploads, paused reading', () => {
  afterEach(cleanup);

  it('after a 1.5 s stall, keeps quiet clients 400 ms of round trip away (maxSilence 1000): the stall is not their silence', async () => {
    const { wss, port } = await startWss();
    const closes = serverCloses(wss);
    const heartbeats = accept(wss, { maxSilence: 1000 });
    const proxy = await TcpProxy.start(port, { latency: 200 });
    const clients = await Promise.all(Array.from({ length: 10 }, () => rawClient(proxy.url)));
    // Let the probes and their answers settle into their rhythm, then stall at a few phases.
    await sleep(900);
    for (const pause of [0, 330]) {
      await sleep(pause);
      stall(1500);
      await sleep(1200);
    }

    expect(heartbeats.stats().probed).toBeGreaterThanOrEqual(10);
    expect(closes).toEqual([]);
    expect(clients.every((client) => client.readyState === WsWebSocket.OPEN)).toBe(true);
    expect(heartbeats.stats()).toMatchObject({ watched: 10, dropped: 0 });
  });

  it('keeps a client uploading a long message slowly: bytes are life, not only complete frames', async () => {
    const { wss, port } = await startWss();
    const closes = serverCloses(wss);
    const sizes: number[] = [];
    wss.on('connection', (ws) => ws.on('message', (data) => sizes.push((data as Buffer).length)));
    accept(wss, { maxSilence: 400 });
    const proxy = await TcpProxy.start(port, { throttle: 100_000 });
    const client = await rawClient(proxy.url);

    client.send(Buffer.alloc(150_000)); // 1.5 s at 100 KB/s: almost four times maxSilence
    await waitFor(() => sizes.length === 1 || closes.length > 0, 'the upload', 5000);

    expect(closes).toEqual([]);
    expect(sizes).toEqual([150_000]);
  });

  it('does not judge a client silent while its reading is paused', async () => {
    const { wss, url } = await startWss();
    const closes = serverCloses(wss);
    const messages: string[] = [];
    wss.on('connection', (ws) => {
      ws.on('message', (data) => messages.push(wsText(data)));
      ws.pause(); // the app reads nothing for now: the client's pongs wait unread too
    });
    accept(wss, { maxSilence: 200 });
    const client = await rawClient(url);
    client.send('hello');
    await sleep(1000); // five times maxSilence

    expect(closes).toEqual([]);
    for (const ws of wss.clients) ws.resume();
    await waitFor(() => messages.length === 1, 'the message, once reading resumes');
    expect(messages).toEqual(['hello']);
  });
});

describe('what an operator reads', () => {
  afterEach(cleanup);

  it('onDrop says why; stats() counts watched, probed and dropped; connection() has the last frame and the round trip', async () => {
    const { wss, port, url } = await startWss();
    const drops: [ws: WebSocket, why: DropReason][] = [];
    const heartbeats = accept(wss, { maxSilence: 400, onDrop: (ws, why) => drops.push([ws, why]) });
    expect(heartbeats.stats()).toEqual({ watched: 0, probed: 0, dropped: 0 });

    // A quiet client 100 ms of round trip away: probed, it answers.
    const slow = await TcpProxy.start(port, { latency: 50 });
    const quiet = await rawClient(slow.url);
    const [quietConnection] = wss.clients;
    expect(heartbeats.connection(quietConnection!)).toEqual({ lastFrameAt: undefined, roundTrip: undefined });
    await waitFor(() => heartbeats.connection(quietConnection!)?.roundTrip !== undefined, 'an answered probe');
    expect(heartbeats.connection(quietConnection!)!.roundTrip).toBeGreaterThanOrEqual(100);
    const before = Date.now();
    quiet.send('hello');
    await waitFor(() => heartbeats.connection(quietConnection!)?.lastFrameAt !== undefined && heartbeats.connection(quietConnection!)!.lastFrameAt! >= before - 5, 'the frame noted');
    expect(heartbeats.connection(quietConnection!)!.lastFrameAt!).toBeLessThanOrEqual(Date.now() + 1);

    // A client that vanishes.
    const freezing = await TcpProxy.start(port);
    await rawClient(freezing.url);
    const vanishing = [...(wss.clients)].find((ws) => ws !== quietConnection)!;
    freezing.freeze();
    await waitFor(() => drops.length === 1, 'the drop');

    const [[ws, why]] = drops as [[WebSocket, DropReason]];
    expect(ws).toBe(vanishing);
    expect(why.silentFor).toBeGreaterThan(400);
    expect(why.silentFor).toBeLessThan(400 * 1.5 + 150);
    expect(why.probeWritten).toBe(true);
    expect(why.probeUnansweredFor).toBeGreaterThanOrEqual(200);
    await waitFor(() => heartbeats.stats().watched === 1, 'the dropped connection to close');
    const stats = heartbeats.stats();
    expect(stats.dropped).toBe(1);
    expect(stats.probed).toBeGreaterThanOrEqual(2);
    expect(heartbeats.connection(vanishing)).toBeUndefined();
    void url;
  });
});
