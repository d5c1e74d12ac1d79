/**
 * partysocket's `src/tests/reconnecting.test.ts` (cloudflare/partykit at c9ab55f3, partysocket
 * 1.3.0), ported to HeartSocket: every upstream test, under its upstream name, at the top level as
 * upstream has them. Where heartsocket deliberately differs, the test checks heartsocket's
 * documented behaviour and quotes the README line that documents it.
 *
 * Upstream runs `ws` servers on fixed ports, connects to ws://255.255.255.255 for a failing URL
 * and sleeps in real time; here servers listen on 127.0.0.1:0, a refused port on 127.0.0.1 fails
 * at once, and what must NOT happen, or what waits on a backoff, is driven by a `SimulatedClock`
 * given as `options.clock`. Upstream runs on Node's global WebSocket (undici); so do these tests,
 * with the global replaced by a subclass that keeps the sockets it makes (upstream reads `_ws`).
 *
 * Options map as the issue says: `maxRetries` → `reconnect.maxRetries`, `minReconnectionDelay` →
 * `reconnect.delay`, `maxReconnectionDelay` → `reconnect.maxDelay`, `reconnectionDelayGrowFactor` →
 * `reconnect.factor`, `minUptime` → `reconnect.minUptime`, `connectionTimeout` → `connectTimeout`,
 * `maxEnqueuedMessages` → `queue.max`, `shouldReconnectOnClose` → `reconnect.shouldReconnect`
 * (see `fromPartySocketOptions`).
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import WsWebSocket from 'ws';
import { SimulatedClock, type AnyActorRef, type InspectionEvent } from 'xstate';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { HeartSocketError } from '../../adapters/errors.js';
import {
  cleanup,
  createPartySocket,
  expectRetryAfter,
  LONG_AFTER,
  refusedUrl,
  settle,
  spyWebSocket,
  startPartyServer,
  startSilentTcpServer,
  textOf,
  UndiciWebSocket,
  waitFor,
  waitForState,
} from './partysocketSupport.js';
import { wsText } from '../support/text.js';

// Upstream resets `global.WebSocket` to Node's own before each test; so do we, as a subclass that
// keeps the sockets it makes.
let created: InstanceType<typeof UndiciWebSocket>[];
beforeEach(() => {
  const spy = spyWebSocket(UndiciWebSocket);
  created = spy.created;
  vi.stubGlobal('WebSocket', spy.SpyWebSocket);
});
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  await cleanup();
});

// Upstream's commented-out tests ("throws with invalid constructor", "throws with missing
// constructor", "throws with non-constructor object", "pass WebSocket via options" (global) and
// "connection timeout") are not tests upstream: nothing to port.

test('throws if not created with `new`', async () => {
  const url = await refusedUrl();
  const callWithoutNew = HeartSocket as unknown as (url: string) => unknown;
  expect(() => callWithoutNew(url)).toThrow(TypeError);
});

test('global WebSocket is used if available', async () => {
  const { events } = createPartySocket(await refusedUrl(), undefined, { maxRetries: 0 });

  await waitFor(() => events.errors.length === 1, 'the error');
  expect(created).toHaveLength(1);
  expect(created[0]).toBeInstanceOf(UndiciWebSocket);
});

test('getters when not ready', async () => {
  const { socket, events } = createPartySocket(await refusedUrl(), undefined, { maxRetries: 0 });
  expect(socket.bufferedAmount).toBe(0);
  expect(socket.protocol).toBe('');
  expect(socket.url).toBe('');
  expect(socket.extensions).toBe('');
  expect(socket.binaryType).toBe('blob');

  await waitFor(() => events.errors.length === 1, 'the error');
});

// partysocket logs every step to console.log with `debug: true` ("RWS>", "connect", 0). heartsocket
// has no debug option — README: "a wrong type or an unknown option name (a typo) is a `TypeError`" —
// and shows its lifecycle to `inspect` instead ("`inspect` | none | XState's inspection observer");
// partysocket's 'connect' line is the `socket` actor starting.
test('debug on', async () => {
  const url = await refusedUrl();
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  expect(() => createPartySocket(url, undefined, { maxRetries: 0 }, { debug: true } as never)).toThrow(
    /unknown option debug/,
  );

  const inspected: InspectionEvent[] = [];
  const { events } = createPartySocket(url, undefined, { maxRetries: 0 }, { inspect: (event) => void inspected.push(event) });

  await waitFor(() => events.errors.length === 1, 'the error');
  const started = inspected
    .filter((event) => event.type === '@xstate.actor')
    .map((event) => (event.actorRef as AnyActorRef).id);
  expect(started).toContain('socket');
  expect(log).not.toHaveBeenCalled();
});

test('debug off', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const { events } = createPartySocket(await refusedUrl(), undefined, { maxRetries: 0 });

  await waitFor(() => events.errors.length === 1, 'the error');
  expect(log).not.toHaveBeenCalled();
});

// Upstream calls the private `_getNextUrl`; here each provider drives a real connection. A fixed
// value of the wrong type throws at the call — README: "Bad input throws at the call that gave it
// … a wrong type … is a `TypeError`". A function is judged when it is called — README: "a function
// returning either (or a Promise of either), called before every attempt … one that returns an
// invalid URL or subprotocol ends the connection with an `error` (no retry loop)".
test('URL provider', async () => {
  const server = await startPartyServer();
  const url = server.url;
  for (const provider of [url, () => url, () => Promise.resolve(url)]) {
    const { socket } = createPartySocket(provider, undefined, { maxRetries: 0 });
    await waitForState(socket, 'open');
    expect(socket.url).toBe(url);
    socket.close();
    await waitForState(socket, 'closed');
  }

  expect(() => createPartySocket(123 as never, undefined, { maxRetries: 0 })).toThrow(TypeError);

  const { socket, events } = createPartySocket(() => 123 as never, undefined, {});
  await waitForState(socket, 'closed');
  expect(events.errors).toHaveLength(1);
  expect(events.errors[0]).toBeInstanceOf(SyntaxError);
  expect(events.closes).toEqual([{ code: 1006, reason: 'invalid url', wasClean: false }]);
  await settle();
  expect(created).toHaveLength(3);
});

test('websocket protocol', async () => {
  const server = await startPartyServer();
  const { socket, events } = createPartySocket(server.url, 'foobar');
  const seen: unknown[] = [];
  socket.addEventListener('open', () => {
    seen.push({ url: socket.url, protocol: socket.protocol });
    socket.close();
  });

  await waitForState(socket, 'closed');
  expect(seen).toEqual([{ url: server.url, protocol: 'foobar' }]);
  expect(events.closes).toHaveLength(1);
});

test('undefined websocket protocol', async () => {
  const server = await startPartyServer();
  const { socket, events } = createPartySocket(server.url, undefined, {});
  const seen: unknown[] = [];
  socket.addEventListener('open', () => {
    seen.push({ url: socket.url, protocol: socket.protocol });
    socket.close();
  });

  await waitForState(socket, 'closed');
  expect(seen).toEqual([{ url: server.url, protocol: '' }]);
  expect(events.closes).toHaveLength(1);
});

// partysocket takes a null `protocols` as none (its `ProtocolsProvider` type includes null).
// heartsocket refuses it at the call — README: "Bad input throws at the call that gave it, with a
// message naming the option and the value: … a wrong type … is a `TypeError`" — and subprotocols are
// "a string, an array, or a function returning one". No socket is made.
test('null websocket protocol', async () => {
  const server = await startPartyServer();

  expect(() => createPartySocket(server.url, null as never, {})).toThrow(TypeError);
  expect(() => createPartySocket(server.url, null as never, {})).toThrow(/protocols .*got null/);
  await settle();
  expect(created).toHaveLength(0);
  expect(server.clients).toHaveLength(0);
});

// Upstream calls the private `_getNextProtocols(() => /Hahaha/)` and expects a throw. A protocols
// function is called before every attempt, and a bad answer ends the connection — README: "one that
// returns an invalid URL or subprotocol ends the connection with an `error` (no retry loop)", and
// its `close` is "code 1006, with the reason: … `invalid protocols`".
test('websocket invalid protocolsProvider', async () => {
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(await refusedUrl(), () => /Hahaha/ as never, {}, { clock });

  await waitForState(socket, 'closed');
  clock.increment(LONG_AFTER);
  await settle();
  expect(events.errors).toHaveLength(1);
  expect(events.errors[0]).toBeInstanceOf(TypeError);
  expect(String(events.errors[0])).toMatch(/protocols/);
  expect(events.closes).toEqual([{ code: 1006, reason: 'invalid protocols', wasClean: false }]);
  expect(created).toHaveLength(0);
});

test('websocket sync protocolsProvider', async () => {
  const server = await startPartyServer();
  const { socket, events } = createPartySocket(server.url, () => 'bar', {});
  const seen: unknown[] = [];
  socket.addEventListener('open', () => {
    seen.push({ url: socket.url, protocol: socket.protocol });
    socket.close();
  });

  await waitForState(socket, 'closed');
  expect(seen).toEqual([{ url: server.url, protocol: 'bar' }]);
  expect(events.closes).toHaveLength(1);
});

test('websocket async protocolsProvider', async () => {
  const server = await startPartyServer();
  const { socket, events } = createPartySocket(server.url, () => Promise.resolve('foo'), {});
  const seen: unknown[] = [];
  socket.addEventListener('open', () => {
    seen.push({ url: socket.url, protocol: socket.protocol });
    socket.close();
  });

  await waitForState(socket, 'closed');
  expect(seen).toEqual([{ url: server.url, protocol: 'foo' }]);
  expect(events.closes).toHaveLength(1);
});

test('connection status constants', async () => {
  const { socket } = createPartySocket(await refusedUrl(), undefined, { maxRetries: 0 });

  expect(HeartSocket.CONNECTING).toBe(0);
  expect(HeartSocket.OPEN).toBe(1);
  expect(HeartSocket.CLOSING).toBe(2);
  expect(HeartSocket.CLOSED).toBe(3);

  expect(socket.CONNECTING).toBe(0);
  expect(socket.OPEN).toBe(1);
  expect(socket.CLOSING).toBe(2);
  expect(socket.CLOSED).toBe(3);
  socket.close();
});

/**
 * `maxRetries: count` against a refused port: the first attempt and `count` retries, each error
 * seeing `retryCount` = the attempts failed before it (upstream: never more than `count`), then
 * `closed` and nothing more, however long the clock runs.
 */
const maxRetriesTest = async (count: number): Promise<void> => {
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    await refusedUrl(),
    undefined,
    { maxRetries: count, maxReconnectionDelay: 200 },
    { clock },
  );
  const retryCounts: number[] = [];
  socket.addEventListener('error', () => retryCounts.push(socket.retryCount));

  for (let retry = 1; retry <= count; retry++) {
    await waitForState(socket, 'reconnectWait');
    clock.increment(200);
  }
  await waitForState(socket, 'closed');
  clock.increment(LONG_AFTER);
  await settle();

  expect(retryCounts).toEqual(Array.from({ length: count + 1 }, (_, attempt) => attempt));
  expect(socket.retryCount).toBe(count);
  expect(events.errors).toHaveLength(count + 1);
  expect(created).toHaveLength(count + 1);
};

test('max retries: 0', () => maxRetriesTest(0));
test('max retries: 1', () => maxRetriesTest(1));
test('max retries: 5', () => maxRetriesTest(5));

test('level0 event listeners are kept after reconnect', async () => {
  const clock = new SimulatedClock();
  const { socket } = createPartySocket(
    await refusedUrl(),
    undefined,
    { maxRetries: 4, reconnectionDelayGrowFactor: 1.2, maxReconnectionDelay: 20, minReconnectionDelay: 10 },
    { clock },
  );
  const handleOpen = (): undefined => undefined;
  const handleClose = vi.fn();
  const handleMessage = (): undefined => undefined;
  const kept: boolean[] = [];
  const retryCounts: number[] = [];
  const handleError = (): void => {
    kept.push(
      socket.onopen === handleOpen &&
        socket.onclose === handleClose &&
        socket.onmessage === handleMessage &&
        socket.onerror === handleError,
    );
    retryCounts.push(socket.retryCount);
  };
  socket.onopen = handleOpen;
  socket.onclose = handleClose;
  socket.onmessage = handleMessage;
  socket.onerror = handleError;

  for (let retry = 1; retry <= 4; retry++) {
    await waitForState(socket, 'reconnectWait');
    clock.increment(20); // maxReconnectionDelay: no wait is longer
  }
  await waitForState(socket, 'closed');

  expect(kept).toEqual([true, true, true, true, true]);
  expect(retryCounts).toEqual([0, 1, 2, 3, 4]);
  expect(handleClose).toHaveBeenCalledTimes(5);
});

test('level2 event listeners', async () => {
  const server = await startPartyServer();
  const { socket } = createPartySocket(server.url, 'foobar', {});
  const seen: unknown[] = [];
  socket.addEventListener('open', () => {
    seen.push([socket.protocol, socket.extensions, socket.bufferedAmount]);
    socket.close();
  });

  // Upstream's `fail` throws; a spy says the same without an uncaught error.
  const fail = vi.fn();
  socket.addEventListener('unknown1', fail);
  socket.addEventListener('open', fail);
  socket.addEventListener('open', fail);
  socket.removeEventListener('open', fail);
  socket.removeEventListener('unknown2', fail);

  await waitForState(socket, 'closed');
  expect(seen).toEqual([['foobar', '', 0]]);
  expect(fail).not.toHaveBeenCalled();
});

// https://developer.mozilla.org/en-US/docs/Web/API/EventListener/handleEvent
test('level2 event listeners using object with handleEvent', async () => {
  const server = await startPartyServer();
  const { socket } = createPartySocket(server.url, 'foobar', {});
  const seen: unknown[] = [];
  socket.addEventListener('open', {
    handleEvent: () => {
      seen.push([socket.protocol, socket.extensions, socket.bufferedAmount]);
      socket.close();
    },
  });

  const fail = { handleEvent: vi.fn() };
  socket.addEventListener('unknown1', fail);
  socket.addEventListener('open', fail);
  socket.addEventListener('open', fail);
  socket.removeEventListener('open', fail);
  socket.removeEventListener('unknown2', fail);

  await waitForState(socket, 'closed');
  expect(seen).toEqual([['foobar', '', 0]]);
  expect(fail.handleEvent).not.toHaveBeenCalled();
});

test('getters', async () => {
  const server = await startPartyServer();
  const { socket } = createPartySocket(server.url, 'foobar', { maxReconnectionDelay: 100 });
  const seen: unknown[] = [];
  socket.addEventListener('open', () => {
    seen.push([socket.protocol, socket.extensions, socket.bufferedAmount, socket.binaryType]);
    socket.close();
  });

  await waitForState(socket, 'closed');
  expect(seen).toEqual([['foobar', '', 0, 'blob']]);
});

test('binaryType', async () => {
  const server = await startPartyServer();
  const { socket } = createPartySocket(server.url, undefined, { minReconnectionDelay: 0 });
  const seen: unknown[] = [];

  expect(socket.binaryType).toBe('blob');
  socket.binaryType = 'arraybuffer';
  socket.addEventListener('open', () => {
    seen.push([socket.binaryType, created[0]?.binaryType]);
    socket.binaryType = 'blob';
    seen.push([socket.binaryType, created[0]?.binaryType]);
    socket.close();
  });

  await waitForState(socket, 'closed');
  expect(seen).toEqual([
    ['arraybuffer', 'arraybuffer'],
    ['blob', 'blob'],
  ]);
});

test('calling to close multiple times', async () => {
  const server = await startPartyServer();
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(server.url, undefined, {}, { clock });
  socket.addEventListener('open', () => {
    socket.close();
    socket.close();
    socket.close();
  });

  await waitForState(socket, 'closed');
  clock.increment(LONG_AFTER);
  await settle();

  expect(events.closes).toEqual([{ code: 1000, reason: '', wasClean: true }]);
  expect(created).toHaveLength(1);
});

// partysocket ignores reconnect() while its first attempt is still being set up. heartsocket starts
// that attempt again; the dropped attempts had built no socket, so, as partysocket, it reports no
// close for them — README: "`close` exactly once per underlying socket".
test('calling to reconnect when not ready', async () => {
  const server = await startPartyServer();
  const { socket, events } = createPartySocket(server.url, undefined, {});
  socket.reconnect();
  socket.reconnect();
  socket.addEventListener('open', () => socket.close());

  await waitForState(socket, 'closed');
  expect(events.closes).toEqual([{ code: 1000, reason: '', wasClean: true }]);
  expect(events.opens).toBe(1);
  // The dropped attempts had not reached the network yet: one socket, one connection.
  expect(created).toHaveLength(1);
  expect(server.clients).toHaveLength(1);
});

/**
 * Upstream's "connect, send, receive, close" round against a server that echoes the first message
 * as `ws` does with a Buffer (a binary frame: a Blob on this socket), recording what upstream's
 * listeners assert. After `close(1000, 'some reason')` upstream sees CLOSED at once ("close() is
 * permanent and dispatches its close event synchronously"). heartsocket does the closing handshake
 * first — README: "`close()` makes `readyState` CLOSING (or CLOSED) at once" and "The events a call
 * causes come after the listeners of the current event have all run" — so it is CLOSING there, and
 * the `close` (CLOSED, code and reason as given) follows the handshake.
 */
async function sendReceiveClose(socket: HeartSocket): Promise<unknown[]> {
  const seen: unknown[] = [];
  const data: unknown[] = [];
  socket.addEventListener('open', () => {
    seen.push(['open', socket.protocol, socket.readyState]);
    socket.send('hello');
  });
  socket.addEventListener('message', (message) => {
    data.push(message.data);
    socket.close(1000, 'some reason');
    seen.push(['after close()', socket.readyState]);
  });
  socket.addEventListener('close', (event) => {
    const { code, reason } = event;
    seen.push(['close', socket.readyState, socket.url, reason, code]);
  });
  await waitForState(socket, 'closed');
  expect(data).toHaveLength(1);
  expect(data[0]).toBeInstanceOf(Blob);
  seen.push(['message', await textOf(data[0])]);
  return seen;
}

test('start closed', async () => {
  const server = await startPartyServer();
  server.wss.once('connection', (client) => client.once('message', (message) => client.send(message as Buffer)));
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    server.url,
    'foobar',
    { minReconnectionDelay: 100, maxReconnectionDelay: 200, startClosed: true },
    { clock },
  );

  expect(socket.readyState).toBe(socket.CLOSED);
  expect(socket.state).toBe('closed');
  clock.increment(100);
  await settle();
  expect(socket.readyState).toBe(socket.CLOSED);
  expect(created).toHaveLength(0);
  expect(events).toMatchObject({ states: ['closed'], opens: 0, closes: [], errors: [] });

  socket.reconnect();

  expect(await sendReceiveClose(socket)).toEqual([
    ['open', 'foobar', socket.OPEN],
    ['after close()', socket.CLOSING],
    ['close', socket.CLOSED, server.url, 'some reason', 1000],
    ['message', 'hello'],
  ]);
});

test('connect, send, receive, close', async () => {
  const server = await startPartyServer();
  server.wss.once('connection', (client) => client.once('message', (message) => client.send(message as Buffer)));
  const { socket } = createPartySocket(server.url, 'foobar', { minReconnectionDelay: 100, maxReconnectionDelay: 200 });

  expect(socket.readyState).toBe(socket.CONNECTING);
  expect(await sendReceiveClose(socket)).toEqual([
    ['open', 'foobar', socket.OPEN],
    ['after close()', socket.CLOSING],
    ['close', socket.CLOSED, server.url, 'some reason', 1000],
    ['message', 'hello'],
  ]);
});

// Right after reconnect(1000, 'reconnect') partysocket shows the old socket, CLOSING; heartsocket is
// already on the next attempt — README: "`reconnect()` makes it CONNECTING and `send()` queues" —
// and after close() it is CLOSING, not CLOSED (see `sendReceiveClose`).
test('connect, send, receive, reconnect', async () => {
  const server = await startPartyServer();
  server.wss.on('connection', (client) => client.once('message', (message) => client.send(message as Buffer)));
  const { socket, events } = createPartySocket(server.url, 'foobar', { minReconnectionDelay: 100, maxReconnectionDelay: 200 });
  const totalRounds = 3;
  let currentRound = 0;
  const opens: unknown[] = [];
  const data: unknown[] = [];
  const afterCalls: unknown[] = [];
  const closes: unknown[] = [];

  socket.onopen = () => {
    currentRound++;
    opens.push([socket.protocol, socket.readyState]);
    socket.send('hello');
  };
  socket.onmessage = (message) => {
    data.push(message.data);
    if (currentRound < totalRounds) {
      socket.reconnect(1000, 'reconnect');
      afterCalls.push(['reconnect()', socket.retryCount, socket.readyState]);
    } else {
      socket.close(1000, 'close');
      afterCalls.push(['close()', socket.readyState]);
    }
  };
  socket.addEventListener('close', (event) => {
    const { reason } = event;
    closes.push({ url: socket.url, reason, closed: socket.readyState === socket.CLOSED });
  });

  await waitFor(() => socket.state === 'closed' && events.opens === totalRounds, 'three rounds, then closed');
  expect(opens).toEqual(Array(totalRounds).fill(['foobar', socket.OPEN]));
  expect(await Promise.all(data.map(textOf))).toEqual(['hello', 'hello', 'hello']);
  expect(afterCalls).toEqual([
    ['reconnect()', 0, socket.CONNECTING],
    ['reconnect()', 0, socket.CONNECTING],
    ['close()', socket.CLOSING],
  ]);
  expect(closes).toEqual([
    { url: server.url, reason: 'reconnect', closed: false },
    { url: server.url, reason: 'reconnect', closed: false },
    { url: server.url, reason: 'close', closed: true },
  ]);
});

// partysocket reports a connect timeout as an `error` with message 'TIMEOUT'; heartsocket reports
// it as a `close` with the reason `connect timeout` (README: "sockets heartsocket abandoned (code
// 1006, with the reason: `connect timeout`, …)"). Upstream's ERROR_URL fails at once; a refused port
// on 127.0.0.1 does the same without leaving the machine. The clock moves only while the socket
// waits to retry, so an attempt can fail only before its connectTimeout could have fired.
test('immediately-failed connection should not timeout', async () => {
  const url = await refusedUrl();
  for (const base of [UndiciWebSocket, WsWebSocket] as const) {
    const spy = spyWebSocket(base as typeof UndiciWebSocket);
    const clock = new SimulatedClock();
    const { socket, events } = createPartySocket(
      url,
      undefined,
      { WebSocket: spy.SpyWebSocket, maxRetries: 2, connectionTimeout: 500, maxReconnectionDelay: 600 },
      { clock },
    );
    const retryCounts: number[] = [];
    socket.addEventListener('error', () => retryCounts.push(socket.retryCount));

    for (let retry = 1; retry <= 2; retry++) {
      await waitForState(socket, 'reconnectWait');
      clock.increment(600);
    }
    await waitForState(socket, 'closed');

    expect(retryCounts).toEqual([0, 1, 2]);
    expect(events.closes).toHaveLength(3);
    expect(events.closes.map((close) => close.reason)).not.toContain('connect timeout');
    expect(spy.created).toHaveLength(3);
  }
});

test('immediately-failed connection with 0 maxRetries must not retry', async () => {
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    await refusedUrl(),
    [],
    { maxRetries: 0, connectionTimeout: 1000, minReconnectionDelay: 100, maxReconnectionDelay: 200 },
    { clock },
  );

  await waitForState(socket, 'closed');
  clock.increment(1100); // upstream's wait: past connectionTimeout and any retry
  await settle();

  expect(events.errors).toHaveLength(1);
  expect(events.closes).toHaveLength(1);
  expect(events.closes[0]?.reason).not.toBe('connect timeout');
  expect(created).toHaveLength(1);
});

// Upstream allows at most one close event; heartsocket gives exactly one — README: "`close()` is
// always followed by exactly one `close`".
test('connect and close before establishing connection', async () => {
  const server = await startPartyServer();
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    server.url,
    undefined,
    { minReconnectionDelay: 100, maxReconnectionDelay: 200 },
    { clock },
  );

  socket.close(); // closing before establishing connection
  clock.increment(LONG_AFTER);
  await settle();

  expect(events.opens).toBe(0);
  expect(events.closes).toHaveLength(1);
  expect(socket.readyState).toBe(socket.CLOSED);
  expect(created).toHaveLength(0);
  expect(server.clients).toHaveLength(0);
});

test('enqueue messages', async () => {
  const { socket } = createPartySocket(await refusedUrl(), undefined, { maxRetries: 0 });
  const count = 10;
  const message = 'message';
  for (let i = 0; i < count; i++) socket.send(message);
  const buffered: number[] = [];
  socket.onerror = () => buffered.push(socket.bufferedAmount);

  await waitForState(socket, 'closed');
  expect(buffered).toEqual([message.length * count]);
});

// partysocket drops what is sent past maxEnqueuedMessages without a word (send() returns false).
// heartsocket refuses it — README: "a full queue throws `code: 'QUEUE_FULL'` — a message is never
// dropped quietly."
test('respect maximum enqueued messages', async () => {
  const queueSize = 2;
  const { socket } = createPartySocket(await refusedUrl(), undefined, { maxRetries: 0, maxEnqueuedMessages: queueSize });
  const count = 10;
  const message = 'message';
  const refused: unknown[] = [];
  for (let i = 0; i < count; i++) {
    try {
      socket.send(message);
    } catch (error) {
      refused.push(error);
    }
  }
  const buffered: number[] = [];
  socket.onerror = () => buffered.push(socket.bufferedAmount);

  expect(refused).toHaveLength(count - queueSize);
  for (const error of refused) {
    expect(error).toBeInstanceOf(HeartSocketError);
    expect((error as HeartSocketError).code).toBe('QUEUE_FULL');
  }
  await waitForState(socket, 'closed');
  expect(buffered).toEqual([message.length * queueSize]);
});

test('enqueue messages before websocket initialization with expected order', async () => {
  const server = await startPartyServer();
  const { socket } = createPartySocket(server.url);
  const messages = ['message1', 'message2', 'message3'];

  messages.forEach((m) => socket.send(m));
  // Upstream also reads the private `_messageQueue.length`; bufferedAmount is its public face.
  expect(socket.bufferedAmount).toBe(messages.reduce((a, m) => a + m.length, 0));

  const received: string[] = [];
  server.wss.once('connection', (client) => {
    client.on('message', (data) => {
      received.push(wsText(data));
      if (wsText(data) === 'ok') socket.close();
    });
  });
  socket.addEventListener('open', () => socket.send('ok'));

  await waitForState(socket, 'closed');
  expect(received).toEqual([...messages, 'ok']);
});

test('closing from the other side should reconnect', async () => {
  const server = await startPartyServer();
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    server.url,
    undefined,
    { minReconnectionDelay: 100, maxReconnectionDelay: 200 },
    { clock },
  );
  const max = 3;

  for (let i = 1; i <= max; i++) {
    await waitForState(socket, 'open');
    if (i === max) break; // will close from client side
    server.clients[i - 1]!.close(); // closing client from server side should trigger a reconnection
    await waitForState(socket, 'reconnectWait');
    clock.increment(200);
  }
  socket.close();
  await waitForState(socket, 'closed');
  clock.increment(LONG_AFTER); // no new connection, however long we wait
  await settle();

  expect(events.opens).toBe(max);
  expect(created).toHaveLength(max);
  expect(server.clients).toHaveLength(max);
});

// After the server's 4001, partysocket's close() during the retry wait says nothing more.
// heartsocket reports it — README: "`close()` is always followed by exactly one `close`, even while
// waiting to retry".
test('closing from the other side should allow to keep closed', async () => {
  const server = await startPartyServer();
  const codes = [4000, 4001];
  let i = 0;
  server.wss.on('connection', (client) => {
    client.close(codes[i], String(codes[i]));
    i++;
  });
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    server.url,
    undefined,
    { minReconnectionDelay: 100, maxReconnectionDelay: 200 },
    { clock },
  );
  socket.addEventListener('close', (event) => {
    const { code, reason } = event;
    if (code === codes[1] && reason === String(codes[1])) socket.close(); // close connection (and keep closed)
  });

  await waitFor(() => events.closes.length === 1, 'the 4000 close');
  await waitForState(socket, 'reconnectWait');
  clock.increment(200);
  await waitForState(socket, 'closed');
  clock.increment(LONG_AFTER);
  await settle();

  expect(events.closes).toEqual([
    { code: 4000, reason: '4000', wasClean: true },
    { code: 4001, reason: '4001', wasClean: true },
    { code: 1000, reason: '', wasClean: false },
  ]);
  expect(created).toHaveLength(2);
  expect(server.clients).toHaveLength(2);
});

// partysocket exposes `shouldReconnect`, false once its policy said no. heartsocket has no such
// property: the decision is its state — README: "| `closed` | `close()`; `reconnect: false`;
// `shouldReconnect` said no; … | only `reconnect()` |" — with the tag `forGood` (docs/internals.md:
// "`closing.forGood` and `closed.ended` carry the tag `forGood` (`snapshot.hasTag('forGood')`: nothing
// more is sent, nothing reconnects until `reconnect()`)"). Both already hold in the close listener —
// README: "A call takes effect before it returns, wherever it is made".
test('shouldReconnectOnClose=false stops reconnecting before close listeners run', async () => {
  const server = await startPartyServer();
  server.wss.on('connection', () => {
    if (server.clients.length === 1) server.clients[0]!.close(1008, 'policy');
  });
  const clock = new SimulatedClock();
  const { socket } = createPartySocket(
    server.url,
    undefined,
    { minReconnectionDelay: 50, maxReconnectionDelay: 100, shouldReconnectOnClose: (event) => event.code !== 1008 },
    { clock },
  );
  const inListener: unknown[] = [];
  socket.addEventListener('close', (event) => {
    const { code, reason } = event;
    inListener.push({ code, reason, state: socket.state, forGood: socket.actor.getSnapshot().hasTag('forGood') });
  });

  await waitFor(() => inListener.length === 1, 'the close');
  clock.increment(LONG_AFTER);
  await settle();

  expect(inListener).toEqual([{ code: 1008, reason: 'policy', state: 'closed', forGood: true }]);
  expect(server.clients).toHaveLength(1);
  expect(created).toHaveLength(1);
});

test('shouldReconnectOnClose preserves default reconnect behavior when omitted', async () => {
  const server = await startPartyServer();
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    server.url,
    undefined,
    { minReconnectionDelay: 50, maxReconnectionDelay: 100 },
    { clock },
  );
  server.wss.on('connection', () => {
    if (server.clients.length === 1) server.clients[0]!.close(1008, 'policy');
    if (server.clients.length === 2) socket.close();
  });

  await waitFor(() => events.closes.length === 1, 'the 1008 close');
  expect(events.closes[0]).toMatchObject({ code: 1008, reason: 'policy' });
  await waitForState(socket, 'reconnectWait');
  clock.increment(100);
  await waitForState(socket, 'closed');
  clock.increment(LONG_AFTER);
  await settle();

  expect(server.clients).toHaveLength(2);
  expect(created).toHaveLength(2);
});

// As above: partysocket's `shouldReconnect` property is heartsocket's `closed` state with the tag
// `forGood`, which reconnect() leaves — README: "| `closed` | … | only `reconnect()` |".
test('reconnect() re-enables a socket stopped by shouldReconnectOnClose', async () => {
  const server = await startPartyServer();
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    server.url,
    undefined,
    { minReconnectionDelay: 50, maxReconnectionDelay: 100, shouldReconnectOnClose: (event) => event.code !== 1008 },
    { clock },
  );
  server.wss.on('connection', () => {
    if (server.clients.length === 1) server.clients[0]!.close(1008, 'policy');
    if (server.clients.length === 2) socket.close();
  });
  const stopped: unknown[] = [];
  socket.addEventListener('close', (event) => {
    if (event.code === 1008) {
      stopped.push([socket.state, socket.actor.getSnapshot().hasTag('forGood')]);
      socket.reconnect();
    }
  });

  await waitFor(() => server.clients.length === 2, 'the second connection');
  await waitForState(socket, 'closed');
  clock.increment(LONG_AFTER);
  await settle();

  expect(stopped).toEqual([['closed', true]]);
  expect(events.closes[0]).toMatchObject({ code: 1008, reason: 'policy' });
  expect(server.clients).toHaveLength(2);
  expect(created).toHaveLength(2);
});

// Upstream reads the private `_getNextDelay()`; here each wait is measured on the clock.
test('reconnection delay grow factor', async () => {
  const clock = new SimulatedClock();
  const { socket } = createPartySocket(
    await refusedUrl(),
    [],
    { minReconnectionDelay: 50, maxReconnectionDelay: 500, reconnectionDelayGrowFactor: 2 },
    { clock },
  );
  // `_getNextDelay()` is 0 before the first attempt: it starts at once.
  expect(socket.state).toBe('connecting');
  await settle();
  expect(created).toHaveLength(1);

  const expected = [50, 100, 200, 400, 500, 500];
  for (const delay of expected) {
    await waitForState(socket, 'reconnectWait');
    expectRetryAfter(socket, clock, delay);
  }
  await waitForState(socket, 'reconnectWait');
  socket.close();
  clock.increment(LONG_AFTER);
  await settle();

  expect(socket.state).toBe('closed');
  expect(created).toHaveLength(expected.length + 1);
});

test('minUptime', async () => {
  const server = await startPartyServer();
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    server.url,
    [],
    { minReconnectionDelay: 50, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 2, minUptime: 75 },
    { clock },
  );
  // Connections 1-3 last 20/40/60ms (< 75ms minUptime) → retries grow.
  // Connections 4-6 last 80/100/120ms (> 75ms) → the retry count starts again.
  const expectedDelays = [50, 100, 200, 50, 50, 50];
  const expectedRetryCount = [1, 2, 3, 1, 1, 1];
  const retryCounts: number[] = [];
  socket.addEventListener('close', () => retryCounts.push(socket.retryCount));

  for (const [i, delay] of expectedDelays.entries()) {
    await waitForState(socket, 'open');
    clock.increment((i + 1) * 20);
    server.clients[i]!.close();
    await waitForState(socket, 'reconnectWait');
    expectRetryAfter(socket, clock, delay);
  }
  await waitForState(socket, 'open');
  socket.close();
  await waitForState(socket, 'closed');

  expect(retryCounts.slice(0, expectedDelays.length)).toEqual(expectedRetryCount);
  expect(events.opens).toBe(expectedDelays.length + 1);
});

test('reconnect after closing', async () => {
  const server = await startPartyServer();
  const clock = new SimulatedClock();
  const { socket, events } = createPartySocket(
    server.url,
    undefined,
    { minReconnectionDelay: 100, maxReconnectionDelay: 200 },
    { clock },
  );
  socket.addEventListener('open', () => socket.close());

  await waitForState(socket, 'closed');
  clock.increment(200);
  await settle();
  expect(created).toHaveLength(1); // closed stays closed until reconnect()

  socket.reconnect();
  await waitFor(() => events.opens === 2, 'the second open');
  await waitForState(socket, 'closed');
  clock.increment(LONG_AFTER); // no more expected reconnections
  await settle();

  expect(events.opens).toBe(2);
  expect(events.closes).toHaveLength(2);
  expect(created).toHaveLength(2);
  expect(server.clients).toHaveLength(2);
});

// partysocket's send() returns true when transmitted and false when buffered (or dropped). heartsocket's
// returns nothing, as a WebSocket's does — README: "`HeartSocket` is a drop-in for `WebSocket`: … `send()`"
// — and a message it does not take is never silent: "a full queue throws `code: 'QUEUE_FULL'` — a
// message is never dropped quietly". Queued or sent, it arrives, in order.
test('send() returns true when transmitted and false when buffered', async () => {
  const server = await startPartyServer();
  const received: string[] = [];
  server.wss.on('connection', (client) => client.on('message', (data) => received.push(wsText(data))));
  const { socket } = createPartySocket(server.url);

  // not yet open — buffered
  expect(socket.send('queued')).toBeUndefined();
  expect(socket.bufferedAmount).toBe('queued'.length);

  const afterOpen: unknown[] = [];
  socket.addEventListener('open', () => {
    afterOpen.push(socket.send('immediate'));
  });

  await waitFor(() => received.length === 2, 'both messages at the server');
  expect(afterOpen).toEqual([undefined]);
  expect(received).toEqual(['queued', 'immediate']);
  socket.close();
  await waitForState(socket, 'closed');
});

// partysocket has `drainQueuedMessages()`. heartsocket hands queued messages back when they can no
// longer be sent — README: "| `undelivered` event | `event.messages`: queued messages that will never
// be sent (the connection ended for good) |" — so close() on a `startClosed` socket drains the queue.
test('drainQueuedMessages() removes and returns buffered messages', () => {
  const { socket, events } = createPartySocket('ws://127.0.0.1:1/', undefined, { startClosed: true });

  socket.send('one');
  socket.send('two');
  expect(socket.bufferedAmount).toBe('one'.length + 'two'.length);

  socket.close();
  expect(events.undelivered.map((event) => event.messages)).toEqual([['one', 'two']]);
  expect(events.undelivered[0]?.error.code).toBe('UNDELIVERED');
  expect(socket.bufferedAmount).toBe(0);

  // Drained once: a second close() hands back nothing more.
  socket.close();
  expect(events.undelivered).toHaveLength(1);
  expect(socket.readyState).toBe(socket.CLOSED);
});

// partysocket's close() dispatches its close event during close() itself. heartsocket's, called from
// an `open` listener, makes `readyState` CLOSING at once and does the closing handshake; the one
// `close` comes after it — README: "`close()` makes `readyState` CLOSING (or CLOSED) at once", "The
// events a call causes come after the listeners of the current event have all run", and "`close()` is
// always followed by exactly one `close`". (A listener detached right after close() misses it.)
test('close() dispatches its close event synchronously, exactly once', async () => {
  const server = await startPartyServer();
  const clock = new SimulatedClock();
  const { socket } = createPartySocket(server.url, undefined, {}, { clock });
  let closeEvents = 0;
  socket.addEventListener('close', () => {
    closeEvents++;
  });
  const afterClose: unknown[] = [];
  socket.addEventListener('open', () => {
    socket.close(1000, 'sync close');
    afterClose.push(closeEvents, socket.readyState);
  });

  await waitForState(socket, 'closed');
  expect(afterClose).toEqual([0, socket.CLOSING]);
  expect(closeEvents).toBe(1);
  expect(socket.readyState).toBe(socket.CLOSED);
  // The real (inner) close handshake is over; nothing more may come, however long we wait.
  clock.increment(LONG_AFTER);
  await settle();
  expect(closeEvents).toBe(1);
});

test('close() while still CONNECTING dispatches its close event synchronously', async () => {
  // a raw TCP server that accepts connections but never answers the WebSocket upgrade — the
  // client socket stays in CONNECTING
  const stall = await startSilentTcpServer();
  const clock = new SimulatedClock();
  const { socket } = createPartySocket(stall.url, undefined, { maxRetries: 0, connectionTimeout: 10000 }, { clock });
  let closeEvents = 0;
  socket.addEventListener('close', () => {
    closeEvents++;
  });

  // wait for the inner socket to be created (connection attempt started)
  await waitFor(() => stall.handshakes === 1, 'the handshake request');
  expect(socket.readyState).toBe(socket.CONNECTING);

  socket.close();
  expect(closeEvents).toBe(1);
  expect(socket.readyState).toBe(socket.CLOSED);

  // the aborted handshake must not produce a second close (or an unhandled error)
  await waitFor(() => stall.pendingHandshakes === 0, 'the abandoned handshake to be dropped');
  clock.increment(LONG_AFTER);
  await settle();
  expect(closeEvents).toBe(1);
});

test('close() inside a close listener does not dispatch a duplicate close event', async () => {
  const server = await startPartyServer();
  const clock = new SimulatedClock();
  const { socket } = createPartySocket(server.url, undefined, {}, { clock });
  let closeEvents = 0;
  socket.addEventListener('close', () => {
    closeEvents++;
    // re-entrant close — must be a no-op, not recurse
    socket.close();
  });
  socket.addEventListener('open', () => socket.close());

  await waitForState(socket, 'closed');
  clock.increment(LONG_AFTER);
  await settle();
  expect(closeEvents).toBe(1);
});

// One `close` here, as upstream wants; heartsocket's is the closing socket being dropped for the new
// attempt (README: "(code 1006, with the reason: … `reconnect() called` …)").
test('reconnect() immediately after close() does not dispatch a duplicate close event', async () => {
  const server = await startPartyServer();
  const { socket, events } = createPartySocket(server.url, undefined, { minReconnectionDelay: 10, maxReconnectionDelay: 50 });
  let closeEvents = 0;
  let opens = 0;
  const atSecondOpen: number[] = [];
  socket.addEventListener('close', () => {
    closeEvents++;
  });
  socket.addEventListener('open', () => {
    opens++;
    if (opens === 1) {
      socket.close();
      // reconnect before the inner closing handshake completes
      socket.reconnect();
    } else {
      atSecondOpen.push(closeEvents);
      socket.close();
    }
  });

  await waitFor(() => opens === 2, 'the second open');
  await waitForState(socket, 'closed');
  // exactly one close event (from close()) before the second open
  expect(atSecondOpen).toEqual([1]);
  expect(events.closes).toHaveLength(2);
});

// partysocket buffers a send() after close() and warns once on the console. heartsocket refuses it —
// README: "`send()` after `close()` throws `HeartSocketError` with `code: 'CLOSED'`" — with nothing
// queued and nothing logged.
test('warns when send() is called after close()', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const server = await startPartyServer();
  const { socket } = createPartySocket(server.url);
  socket.addEventListener('open', () => socket.close());
  const refused: unknown[] = [];
  socket.addEventListener('close', () => {
    for (const message of ['late message', 'another late message']) {
      try {
        socket.send(message);
      } catch (error) {
        refused.push(error);
      }
    }
  });

  await waitForState(socket, 'closed');
  await waitFor(() => refused.length === 2, 'both sends refused');
  for (const error of refused) {
    expect(error).toBeInstanceOf(HeartSocketError);
    expect((error as HeartSocketError).code).toBe('CLOSED');
    expect(String(error)).toMatch(/send\(\) after the connection was closed/);
  }
  expect(socket.bufferedAmount).toBe(0);
  expect(warn).not.toHaveBeenCalled();
});

// As above, a send() after close() throws instead of buffering; reconnect() is what makes send()
// queue again — README: "`reconnect()` makes it CONNECTING and `send()` queues" — and the message
// queued then is delivered on the new connection.
test('messages sent after close() are delivered after reconnect(), and the warning resets', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const server = await startPartyServer();
  const received: string[] = [];
  server.wss.on('connection', (client) => client.on('message', (data) => received.push(wsText(data))));
  const { socket, events } = createPartySocket(server.url, undefined, { minReconnectionDelay: 10, maxReconnectionDelay: 50 });
  socket.addEventListener('open', () => {
    if (events.opens === 1) socket.close();
  });
  const whileClosed: unknown[] = [];
  socket.addEventListener('close', () => {
    if (events.closes.length !== 1) return;
    try {
      socket.send('buffered while closed');
    } catch (error) {
      whileClosed.push((error as HeartSocketError).code);
    }
    socket.reconnect();
    socket.send('buffered while closed');
    whileClosed.push(socket.readyState, socket.bufferedAmount);
  });

  await waitFor(() => received.length === 1, 'the message at the server');
  expect(whileClosed).toEqual(['CLOSED', socket.CONNECTING, 'buffered while closed'.length]);
  expect(received).toEqual(['buffered while closed']);
  expect(server.clients).toHaveLength(2);
  expect(warn).not.toHaveBeenCalled();
  socket.close();
  await waitForState(socket, 'closed');
});

// Upstream rewrites the private `_url` to switch to the working server; a url function is the
// public way to change where the next attempt goes (README: "called before every attempt").
// Upstream reconnects from its `error` listener. heartsocket's `error` comes before the `close` that
// ends the attempt (README: "`error` when the socket reports one (a `close` follows)"), so the retries
// are used up — `closed` — at that `close`: reconnect() is called there.
test('reconnect() works after maxRetries has been exhausted', async () => {
  const server = await startPartyServer();
  let url = await refusedUrl();
  const { socket, events } = createPartySocket(() => url, undefined, {
    maxRetries: 0,
    connectionTimeout: 500,
    minReconnectionDelay: 10,
    maxReconnectionDelay: 50,
  });

  let reconnected = false;
  const exhausted: unknown[] = [];
  socket.addEventListener('close', () => {
    if (reconnected) return;
    reconnected = true;
    // maxRetries is now exhausted. Switch to the working server and reconnect.
    exhausted.push(socket.state, socket.readyState);
    url = server.url;
    socket.reconnect();
  });

  await waitForState(socket, 'open');
  expect(exhausted).toEqual(['closed', socket.CLOSED]);
  expect(events.errors).toHaveLength(1);
  expect(socket.url).toBe(server.url);
  expect(server.clients).toHaveLength(1);
  socket.close();
  await waitForState(socket, 'closed');
});
