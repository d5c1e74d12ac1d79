/**
 * heartsocket/server end to end: real HeartSocket clients (on `ws` and on undici's global
 * WebSocket) against a real `ws` server on 127.0.0.1 running `acceptHeartbeats`. A client that
 * vanishes without a FIN is made with a TCP proxy that stops forwarding anything, the FIN included.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WsWebSocket, { type RawData, type WebSocketServer, type WebSocket } from 'ws';
import { acceptHeartbeats, DEFAULT_MAX_SILENCE, type AcceptHeartbeatsOptions } from '../../adapters/server/index.js';
import { DEFAULT_SETTINGS, MAX_DELAY } from '../../machine/settings.js';
import {
  cleanup,
  countTransitions,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  onCleanup,
  sleep,
  waitFor,
  waitForState,
} from '../support/client.js';
import { TcpProxy } from '../support/proxy.js';
import { stall } from '../support/stall.js';
import { wsText } from '../support/text.js';
import { accept, startWss } from '../support/wss.js';

/** Short enough for tests, long against the 50 ms heartbeat the clients use here. */
const MAX_SILENCE = 300;

const asText = (data: RawData, isBinary: boolean): string => `${isBinary ? 'binary' : 'text'}:${wsText(data)}`;

/** What the server's app saw and did on its connections. */
interface ServerApp {
  connections: WebSocket[];
  /** Messages the app's `ws.on('message')` got, as `text:…` / `binary:…`. */
  messages: string[];
  /** The close code of every connection that ended. */
  closes: number[];
  /** Protocol pong frames from clients. */
  pongs: number;
}

/** A server app that records everything and, with `echo`, answers each message with `echo: …`. */
function serverApp(wss: WebSocketServer, { echo = false } = {}): ServerApp {
  const app: ServerApp = { connections: [], messages: [], closes: [], pongs: 0 };
  wss.on('connection', (ws) => {
    app.connections.push(ws);
    ws.on('message', (data, isBinary) => {
      app.messages.push(asText(data, isBinary));
      if (echo) ws.send(`echo: ${isBinary ? 'binary ' : ''}${wsText(data)}`);
    });
    ws.on('pong', () => app.pongs++);
    ws.on('close', (code) => app.closes.push(code));
    ws.on('error', () => {});
  });
  return app;
}

describe.each(IMPLEMENTATIONS)('acceptHeartbeats with HeartSocket clients (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  it('keeps a client open across many heartbeats; neither app sees them; other messages flow both ways', async () => {
    const { wss, url } = await startWss();
    // The app's handlers are added before acceptHeartbeats, and by every way `ws` offers.
    const app = serverApp(wss, { echo: true });
    const otherWays: string[] = [];
    wss.on('connection', (ws) => {
      ws.send('welcome');
      ws.addEventListener('message', (event) => otherWays.push(`addEventListener:${wsText(event.data)}`));
      ws.once('message', (data) => otherWays.push(`once:${wsText(data)}`));
      ws.prependListener('message', (data) => otherWays.push(`prependListener:${String(data)}`));
    });
    let pings = 0;
    accept(wss, { maxSilence: MAX_SILENCE, onPing: () => pings++ });
    const { socket, events } = createSocket(url, fastOptions(WebSocket, { heartbeat: { interval: 50, timeout: 1000 } }));
    await waitForState(socket, 'open');

    // Heartbeats for well over three times maxSilence.
    await waitFor(() => pings >= 25, () => `25 answered pings; ${pings} so far`);
    socket.send('hello');
    socket.send(new TextEncoder().encode('ping')); // binary: a message, not a heartbeat
    socket.send('pong'); // to the server, 'pong' is a message like any other
    await waitFor(() => events.messages.length === 4, () => `the welcome and three echoes; got ${JSON.stringify(events.messages)}`);

    expect(app.messages).toEqual(['text:hello', 'binary:ping', 'text:pong']);
    // No listener saw a heartbeat, not even the one-shot `once`: its first message is 'hello'.
    expect(otherWays).toEqual([
      'prependListener:hello',
      'addEventListener:hello',
      'once:hello',
      'prependListener:ping', // the binary message
      'addEventListener:ping',
      'prependListener:pong',
      'addEventListener:pong',
    ]);
    expect(events.messages).toEqual(['welcome', 'echo: hello', 'echo: binary ping', 'echo: pong']);
    expect(countTransitions(events.states, 'awaitingPong', 'open')).toBeGreaterThanOrEqual(25);
    expect(events.states).not.toContain('closing');
    expect(events.closes).toEqual([]);
    expect(app.connections).toHaveLength(1);
    expect(app.closes).toEqual([]);
  });

  it('keeps a client that only listens to a busy server: it never pings, but answers the probe', async () => {
    const { wss, url } = await startWss();
    const app = serverApp(wss);
    accept(wss, { maxSilence: MAX_SILENCE });
    const ticker = setInterval(() => {
      for (const ws of wss.clients) ws.send('tick');
    }, 50);
    onCleanup(() => clearInterval(ticker));
    // Its heartbeat never fires: a message arrives every 50 ms.
    const { socket, events } = createSocket(url, fastOptions(WebSocket, { heartbeat: { interval: 1000, timeout: 1000 } }));
    await waitForState(socket, 'open');

    await waitFor(() => events.messages.length >= 25, () => `25 ticks; ${events.messages.length} so far`);

    expect(app.messages).toEqual([]); // the client said nothing…
    expect(app.pongs).toBeGreaterThanOrEqual(1); // …but its WebSocket answered the probes
    expect(app.closes).toEqual([]);
    expect(events.closes).toEqual([]);
    expect(socket.readyState).toBe(1);
  });

  it('drops a client that vanished without a FIN (terminate: 1006), once silent for maxSilence', async () => {
    const { wss, port } = await startWss();
    const app = serverApp(wss, { echo: true });
    accept(wss, { maxSilence: MAX_SILENCE });
    const proxy = await TcpProxy.start(port);
    const { socket, events } = createSocket(proxy.url, fastOptions(WebSocket, { reconnect: false }));
    await waitForState(socket, 'open');
    socket.send('last words');
    await waitFor(() => events.messages.length === 1, 'the echo through the proxy');

    proxy.freeze();
    await waitFor(() => app.closes.length === 1, () => `the server to drop the client; closes ${JSON.stringify(app.closes)}`);

    expect(app.closes).toEqual([1006]); // terminated: no closing handshake
    expect(wss.clients.size).toBe(0);
    await waitFor(() => proxy.upstreamClosed === 1, 'the TCP connection ended by the server');
    // The client heard nothing of it: only a heartbeat on its side would tell it.
    expect(events.closes).toEqual([]);
  });

  it('drops nobody after the process stalled longer than maxSilence: the late sweep waits once more', async () => {
    const { wss, url } = await startWss();
    const app = serverApp(wss);
    accept(wss, { maxSilence: MAX_SILENCE });
    const { socket, events } = createSocket(url, fastOptions(WebSocket, { heartbeat: { interval: 50, timeout: 3000 } }));
    await waitForState(socket, 'open');
    // The stall starts as a pong arrives: the server heard the client last just before. After it,
    // the overdue sweep runs before the server reads the ping the client sends then (timers first,
    // then I/O): the client looks silent for 3 × maxSilence.
    let stalls = 0;
    socket.addEventListener('statechange', (event) => {
      if (event.state === 'open' && stalls++ === 0) stall(3 * MAX_SILENCE);
    });

    await waitFor(() => stalls >= 1, 'the stall, after an answered ping');
    const answered = countTransitions(events.states, 'awaitingPong', 'open');
    await waitFor(() => countTransitions(events.states, 'awaitingPong', 'open') >= answered + 3, 'three more answered pings');

    expect(app.closes).toEqual([]);
    expect(events.closes).toEqual([]);
    expect(wss.clients.size).toBe(1);
  });

  it('uses its ping and pong options; onPing gets the connection; the default ping is then a message', async () => {
    const { wss, url } = await startWss();
    const app = serverApp(wss);
    const pingedBy = new Set<WebSocket>();
    accept(wss, {
      ping: '{"type":"ping"}',
      pong: () => '{"type":"pong"}',
      onPing: (ws) => pingedBy.add(ws),
      maxSilence: MAX_SILENCE,
    });
    const heartbeat = { interval: 50, timeout: 1000, message: '{"type":"ping"}', isPong: (data: unknown) => data === '{"type":"pong"}' };
    const { socket, events } = createSocket(url, fastOptions(WebSocket, { heartbeat }));
    await waitForState(socket, 'open');

    await waitFor(() => countTransitions(events.states, 'awaitingPong', 'open') >= 3, 'three answered pings');
    socket.send('ping');
    await waitFor(() => app.messages.length === 1, "the app to get 'ping'");

    expect(app.messages).toEqual(['text:ping']);
    expect([...pingedBy]).toEqual(app.connections);
    expect(events.messages).toEqual([]);
    expect(events.closes).toEqual([]);
  });

  it('leaves a ping unanswered when pong returns undefined: the client closes with 4000', async () => {
    const { wss, url } = await startWss();
    const app = serverApp(wss);
    let pings = 0;
    accept(wss, { pong: () => undefined, onPing: () => pings++, maxSilence: false });
    const { socket, events } = createSocket(url, fastOptions(WebSocket, { heartbeat: { interval: 50, timeout: 100 }, reconnect: false }));

    await waitForState(socket, 'closed');

    expect(pings).toBeGreaterThanOrEqual(1);
    expect(events.closes.map((close) => close.code)).toEqual([4000]);
    expect(app.messages).toEqual([]);
  });

  it('stop(): pings reach the app and go unanswered, and nobody is dropped any more', async () => {
    const { wss, url, port } = await startWss();
    const app = serverApp(wss);
    let pings = 0;
    const heartbeats = accept(wss, { maxSilence: MAX_SILENCE, onPing: () => pings++ });
    // A client that vanishes: after stop() it must stay connected.
    const proxy = await TcpProxy.start(port);
    const frozen = createSocket(proxy.url, fastOptions(WebSocket, { reconnect: false }));
    const { socket, events } = createSocket(url, fastOptions(WebSocket, { heartbeat: { interval: 50, timeout: 5000 } }));
    await waitForState(frozen.socket, 'open');
    await waitForState(socket, 'open');
    await waitFor(() => pings >= 2, 'two answered pings');

    heartbeats.stop();
    heartbeats.stop(); // again: nothing more happens
    heartbeats[Symbol.dispose]();
    proxy.freeze();
    const answered = pings;
    await waitFor(() => app.messages.includes('text:ping'), "the app to get the client's 'ping'");
    await sleep(4 * MAX_SILENCE); // more than a drop would take

    expect(pings).toBe(answered);
    expect(socket.state).toBe('awaitingPong'); // no pong came (its timeout is 5 s)
    expect(events.closes).toEqual([]);
    expect(app.closes).toEqual([]);
    expect(wss.clients.size).toBe(2);
  });
});

describe('acceptHeartbeats on a server', () => {
  afterEach(cleanup);

  /** A raw `ws` client, terminated on cleanup. */
  async function rawClient(url: string): Promise<WsWebSocket> {
    const client = new WsWebSocket(url);
    onCleanup(() => client.terminate());
    await once(client, 'open');
    return client;
  }

  it('runs one unref\'d timer per server, whatever the number of connections, and stop() clears it', async () => {
    const { wss, url } = await startWss();
    const clients = await Promise.all([rawClient(url), rawClient(url), rawClient(url)]);
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const clearIntervalSpy = vi.spyOn(globalThis, 'clearInterval');
    onCleanup(() => {
      setIntervalSpy.mockRestore();
      clearIntervalSpy.mockRestore();
    });

    const heartbeats = accept(wss, { maxSilence: MAX_SILENCE });
    expect(setIntervalSpy).toHaveBeenCalledTimes(1);
    const timer = setIntervalSpy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);

    // The connections that were open already are served: a 'ping' gets its 'pong'.
    const answers = clients.map((client) => once(client, 'message'));
    for (const client of clients) client.send('ping');
    expect((await Promise.all(answers)).map(([data]) => String(data))).toEqual(['pong', 'pong', 'pong']);
    // So is a new one, and it adds no timer.
    const late = await rawClient(url);
    late.send('ping');
    expect(String((await once(late, 'message'))[0])).toBe('pong');
    expect(setIntervalSpy).toHaveBeenCalledTimes(1);

    heartbeats.stop();
    expect(clearIntervalSpy).toHaveBeenCalledWith(timer);
    expect(wss.listenerCount('connection')).toBe(0);
  });

  it('runs no timer with maxSilence: false', async () => {
    const { wss } = await startWss();
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    onCleanup(() => setIntervalSpy.mockRestore());
    accept(wss, { maxSilence: false });
    expect(setIntervalSpy).not.toHaveBeenCalled();
  });

  it('defaults: ping and pong as the client expects, maxSilence 10 s (three missed heartbeats and more)', () => {
    expect(DEFAULT_MAX_SILENCE).toBe(10_000);
    const { interval, timeout } = DEFAULT_SETTINGS.heartbeat;
    expect(DEFAULT_MAX_SILENCE).toBeGreaterThan(3 * interval);
    expect(DEFAULT_MAX_SILENCE).toBeGreaterThan(interval + timeout);
  });

  it('rejects bad input with a TypeError or RangeError naming the option and the value, and changes nothing', async () => {
    const { wss } = await startWss();
    const bad: [options: unknown, error: typeof TypeError | typeof RangeError, message: RegExp][] = [
      [{ maxSilense: 100 }, TypeError, /unknown option maxSilense; the options here are ping, pong, maxSilence, onPing, onDrop, onError, sessions\./],
      [{ maxSilence: 0 }, RangeError, /options\.maxSilence must be a number of milliseconds > 0 and ≤ 2147483647.*, got 0\./],
      [{ maxSilence: -1 }, RangeError, /options\.maxSilence .*got -1\./],
      [{ maxSilence: NaN }, RangeError, /options\.maxSilence .*got NaN\./],
      [{ maxSilence: Infinity }, RangeError, /options\.maxSilence .*got Infinity\./],
      [{ maxSilence: MAX_DELAY + 1 }, RangeError, /options\.maxSilence .*got 2147483648\./],
      [{ maxSilence: '100' }, TypeError, /options\.maxSilence must be a number of milliseconds or false, got "100"\./],
      [{ maxSilence: true }, TypeError, /options\.maxSilence .*got true\./],
      [{ ping: 42 }, TypeError, /options\.ping must be a string, got 42\./],
      [{ ping: '' }, RangeError, /options\.ping must be a non-empty string, got ""\./],
      [{ pong: 7 }, TypeError, /options\.pong must be a string or a function returning one, got 7\./],
      [{ pong: '' }, RangeError, /options\.pong must be a non-empty string, got ""\./],
      [{ onPing: 'log' }, TypeError, /options\.onPing must be a function, got "log"\./],
      [null, TypeError, /options must be an object, got null\./],
      ['fast', TypeError, /options must be an object, got "fast"\./],
      // Values shown as they are, not as `[object Object]`, an empty string or a bare number.
      [[], TypeError, /options must be an object, got \[\]\./],
      [{ onPing: {} }, TypeError, /options\.onPing must be a function, got an object\./],
      [{ maxSilence: [1, 2] }, TypeError, /options\.maxSilence must be a number of milliseconds or false, got \[1,2\]\./],
      [{ maxSilence: 10n }, TypeError, /options\.maxSilence must be a number of milliseconds or false, got 10n\./],
      [{ pong: { text: 'pong' } }, TypeError, /options\.pong must be a string or a function returning one, got an object\./],
      [{ onDrop: 1 }, TypeError, /options\.onDrop must be a function, got 1\./],
      [{ onError: [] }, TypeError, /options\.onError must be a function, got \[\]\./],
    ];
    for (const [options, error, message] of bad) {
      expect(() => acceptHeartbeats(wss, options as AcceptHeartbeatsOptions), String(message)).toThrow(error);
      expect(() => acceptHeartbeats(wss, options as AcceptHeartbeatsOptions), String(message)).toThrow(message);
    }
    for (const notAServer of [undefined, null, {}, new WsWebSocket(null as never, undefined, {})]) {
      expect(() => acceptHeartbeats(notAServer as never)).toThrow(/^heartsocket: acceptHeartbeats needs a ws WebSocketServer, got /);
    }
    expect(() => acceptHeartbeats({} as never)).toThrow(/, got an object\.$/);
    expect(() => acceptHeartbeats([] as never)).toThrow(/, got \[\]\.$/);
    expect(wss.listenerCount('connection')).toBe(0);
    // The limits themselves are fine.
    accept(wss, { maxSilence: MAX_DELAY }).stop();
    accept(wss, { maxSilence: 1 }).stop();
    expect(wss.listenerCount('connection')).toBe(0);
  });
});
