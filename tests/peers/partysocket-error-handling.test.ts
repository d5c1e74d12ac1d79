/**
 * partysocket's `src/tests/error-handling.test.ts` (cloudflare/partykit at c9ab55f3), ported to
 * HeartSocket: every test of the WebSocket part, under its upstream name and in its upstream
 * `describe`. Where heartsocket deliberately differs, the test checks heartsocket's documented
 * behaviour and quotes the README line that documents it.
 *
 * Upstream connects to ws://255.255.255.255 or ws://example.com and sleeps in real time (several of
 * its tests assert nothing, or assert in a timer after the test has ended); here a refused port or a
 * silent TCP server on 127.0.0.1 stands in for them, waits are bounded, what waits on a backoff is
 * driven by a `SimulatedClock`, and every test asserts what it is named after.
 *
 * Left out — PartySocket-only features, nothing of the WebSocket part to port:
 * - "Error Handling - PartySocket Validation" > "throws when path starts with slash": PartySocket's room URL building (`path`).
 * - "Error Handling - PartySocket Validation" > "throws when reconnecting without host": PartySocket's `host` (rooms).
 * - "Error Handling - PartySocket Validation" > "throws when reconnecting without room": PartySocket's `room`.
 * - "Error Handling - PartySocket Validation" > "does not throw when reconnecting with basePath and no room": PartySocket's `basePath`.
 * - "Error Handling - PartySocket Validation" > "throws when constructing without room or basePath and not startClosed": PartySocket's `room`/`basePath`.
 * - "Error Handling - PartySocket Validation" > "does not throw when constructing without room or basePath with startClosed": PartySocket's `room`/`basePath`.
 * - "Error Handling - PartySocket.fetch" > "propagates fetch errors": `PartySocket.fetch` (HTTP to a room).
 * - "Error Handling - PartySocket.fetch" > "handles async query provider errors in fetch": `PartySocket.fetch`.
 * - "Error Handling - PartySocket.fetch" > "throws when path starts with slash in fetch": `PartySocket.fetch`.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { SimulatedClock, type AnyActorRef, type InspectionEvent } from 'xstate';
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
  startServer,
  startSilentTcpServer,
  UndiciWebSocket,
  waitFor,
  waitForState,
} from './partysocketSupport.js';
import { wsText } from '../support/text.js';

afterEach(async () => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  await cleanup();
});

/** Where upstream's sockets to ws://example.com never get an answer in time: a port that refuses. */
const UNSERVED = 'ws://127.0.0.1:1/';

/** The ids of the actors an inspector saw start: one `socket` per connection attempt. */
const startedActors = (inspected: InspectionEvent[]): string[] =>
  inspected.filter((event) => event.type === '@xstate.actor').map((event) => (event.actorRef as AnyActorRef).id);

describe('Error Handling - URL Providers', () => {
  // README: "A function that throws or rejects counts as a failed attempt and is retried", and
  // "`error` … when a function you passed in the options threw (`url`, …): `event.error` is what it
  // threw".
  test('handles async URL provider that throws', async () => {
    const { socket, events } = createPartySocket(
      () => Promise.reject(new Error('URL fetch failed')),
      undefined,
      { maxRetries: 0 },
    );

    await waitForState(socket, 'closed');
    expect(events.errors).toHaveLength(1);
    expect((events.errors[0] as Error).message).toBe('URL fetch failed');
    socket.close();
  });

  test('handles sync URL provider that throws', async () => {
    const { socket, events } = createPartySocket(
      () => {
        throw new Error('URL generation failed');
      },
      undefined,
      { maxRetries: 0 },
    );

    await waitForState(socket, 'closed');
    expect(events.errors).toHaveLength(1);
    expect((events.errors[0] as Error).message).toBe('URL generation failed');
    socket.close();
  });

  // partysocket takes a url of the wrong type and fails when it resolves it (upstream calls the
  // private `_getNextUrl(123)`). heartsocket refuses it at the constructor — README: "Bad input throws
  // at the call that gave it, with a message naming the option and the value: … a wrong type … is a
  // `TypeError`".
  test('handles invalid URL provider type', () => {
    const spy = spyWebSocket(UndiciWebSocket);
    expect(() => createPartySocket(123 as never, undefined, { maxRetries: 0, WebSocket: spy.SpyWebSocket })).toThrow(
      TypeError,
    );
    expect(() => createPartySocket(123 as never, undefined, { maxRetries: 0 })).toThrow(/url must be a string/);
    expect(spy.created).toHaveLength(0);
  });
});

describe('Error Handling - Protocol Providers', () => {
  // Upstream calls the private `_getNextProtocols(() => /regex/)` and expects "Invalid protocols".
  // heartsocket calls a protocols function before every attempt — README: "one that returns an
  // invalid URL or subprotocol ends the connection with an `error` (no retry loop)", its `close`
  // "code 1006, with the reason: … `invalid protocols`".
  test('handles invalid protocol provider', async () => {
    const clock = new SimulatedClock();
    const { socket, events } = createPartySocket(
      await refusedUrl(),
      () => /regex/ as never,
      { maxRetries: 0, startClosed: true },
      { clock },
    );

    socket.reconnect();
    await waitForState(socket, 'closed');
    expect(events.errors).toHaveLength(1);
    expect(events.errors[0]).toBeInstanceOf(TypeError);
    expect((events.errors[0] as Error).message).toContain('protocols must be a string or an array of strings');
    expect(events.closes).toEqual([{ code: 1006, reason: 'invalid protocols', wasClean: false }]);
    clock.increment(LONG_AFTER);
    await settle();
    expect(events.errors).toHaveLength(1);

    socket.close();
  });

  // partysocket resolves a null provider to null (no subprotocols). heartsocket refuses null at the
  // call — README: "Bad input throws at the call that gave it … a wrong type … is a `TypeError`";
  // subprotocols are "a string, an array, or a function returning one" (none: leave them out).
  test('handles null protocol provider', () => {
    expect(() => createPartySocket(UNSERVED, null as never, { maxRetries: 0, startClosed: true })).toThrow(TypeError);
    expect(() => createPartySocket(UNSERVED, null as never, { maxRetries: 0, startClosed: true })).toThrow(
      /protocols .*got null/,
    );

    const { socket } = createPartySocket(UNSERVED, undefined, { maxRetries: 0, startClosed: true });
    expect(socket.protocol).toBe('');
    socket.close();
  });
});

describe('Error Handling - PartySocket Validation', () => {
  // partysocket logs "No WebSocket implementation…" with console.error when it first tries to connect
  // and there is no global WebSocket. heartsocket refuses at the constructor with a TypeError saying
  // what to pass — README: "| `WebSocket` | `globalThis.WebSocket` | the socket constructor; pass
  // `ws`'s on Node 20 |" and "Bad input throws at the call that gave it".
  test('handles missing WebSocket constructor gracefully', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const errorSpy = vi.spyOn(console, 'error').mockImplementation(() => {});

    expect(() =>
      createPartySocket(UNSERVED, undefined, {
        maxRetries: 0,
        startClosed: false, // Need to try to connect to trigger error
      }),
    ).toThrow(TypeError);
    expect(() => createPartySocket(UNSERVED, undefined, { maxRetries: 0 })).toThrow(/no global WebSocket.*options\.WebSocket/);
    await settle();
    expect(errorSpy).not.toHaveBeenCalled();
  });
});

describe('Error Handling - Connection Failures', () => {
  test('handles immediate connection failure', async () => {
    const clock = new SimulatedClock();
    const { socket, events } = createPartySocket(await refusedUrl(), undefined, { maxRetries: 1, maxReconnectionDelay: 100 }, { clock });

    await waitForState(socket, 'reconnectWait');
    expect(events.errors).toHaveLength(1);
    expect(socket.retryCount).toBeGreaterThan(0);
    expectRetryAfter(socket, clock, 100);
    await waitForState(socket, 'closed');
    expect(events.errors).toHaveLength(2);
    socket.close();
  });

  test('stops retrying after maxRetries', async () => {
    const maxRetries = 3;
    const clock = new SimulatedClock();
    const { socket, events } = createPartySocket(
      await refusedUrl(),
      undefined,
      { maxRetries, minReconnectionDelay: 10, maxReconnectionDelay: 20 },
      { clock },
    );
    let errorCount = 0;
    socket.addEventListener('error', () => {
      errorCount++;
    });

    for (let retry = 1; retry <= maxRetries; retry++) {
      await waitForState(socket, 'reconnectWait');
      clock.increment(20);
    }
    await waitForState(socket, 'closed');
    clock.increment(LONG_AFTER);
    await settle();

    expect(socket.retryCount).toBe(maxRetries);
    expect(errorCount).toBeGreaterThanOrEqual(maxRetries);
    expect(errorCount).toBe(maxRetries + 1);
    expect(events.closes).toHaveLength(maxRetries + 1);
    socket.close();
  });

  // partysocket reports a connect timeout as an `error` with message 'TIMEOUT' (upstream counts them
  // but asserts nothing). heartsocket reports it as a `close` — README: "sockets heartsocket abandoned
  // (code 1006, with the reason: `connect timeout`, …)" — and no error (the socket reported none).
  // Upstream's 255.255.255.255 hangs; a TCP server that never answers the upgrade does the same here.
  test('handles connection timeout', async () => {
    const tcp = await startSilentTcpServer();
    const clock = new SimulatedClock();
    const { socket, events } = createPartySocket(tcp.url, undefined, { connectionTimeout: 100, maxRetries: 1 }, { clock });
    const timedOut = { code: 1006, reason: 'connect timeout', wasClean: false };

    await waitFor(() => tcp.handshakes === 1, 'the first handshake request');
    clock.increment(99);
    expect(socket.state).toBe('connecting');
    clock.increment(1);
    expect(events.closes).toEqual([timedOut]);
    await waitForState(socket, 'reconnectWait');
    clock.increment(LONG_AFTER); // the retry's wait (heartsocket's default delay)
    await waitFor(() => tcp.handshakes === 2, 'the retry');
    clock.increment(100);

    expect(socket.state).toBe('closed');
    expect(events.closes).toEqual([timedOut, timedOut]);
    expect(events.errors).toEqual([]);
    socket.close();
    await waitFor(() => tcp.pendingHandshakes === 0, 'the abandoned connections to be dropped');
  });
});

describe('Error Handling - Message Queue', () => {
  // partysocket drops what does not fit; heartsocket refuses it — README: "a full queue throws
  // `code: 'QUEUE_FULL'` — a message is never dropped quietly."
  test('respects maxEnqueuedMessages limit', async () => {
    const maxMessages = 5;
    const { socket } = createPartySocket(await refusedUrl(), undefined, { maxRetries: 0, maxEnqueuedMessages: maxMessages });

    // Try to send more messages than the limit
    const refused: unknown[] = [];
    for (let i = 0; i < maxMessages + 10; i++) {
      try {
        socket.send(`message-${i}`);
      } catch (error) {
        refused.push(error);
      }
    }

    // Should only have maxMessages in queue
    expect(socket.bufferedAmount).toBeLessThanOrEqual(maxMessages * 10);
    expect(socket.bufferedAmount).toBe(maxMessages * 'message-0'.length);
    expect(refused).toHaveLength(10);
    expect(refused.every((error) => error instanceof HeartSocketError && error.code === 'QUEUE_FULL')).toBe(true);

    socket.close();
  });

  test('calculates buffered amount for different message types', () => {
    const { socket } = createPartySocket(UNSERVED, undefined, { maxRetries: 0, startClosed: true });

    const stringMsg = 'hello';
    const arrayBuffer = new ArrayBuffer(10);
    const blob = new Blob(['test']);

    socket.send(stringMsg);
    socket.send(arrayBuffer);
    socket.send(blob);

    expect(socket.bufferedAmount).toBeGreaterThan(0);
    expect(socket.bufferedAmount).toBe(5 + 10 + 4);

    socket.close();
  });
});

describe('Error Handling - Event Target Polyfill', () => {
  let originalEventTarget: typeof EventTarget | undefined;
  let originalEvent: typeof Event | undefined;
  let errorSpy: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    errorSpy = vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  afterEach(() => {
    errorSpy.mockRestore();
    if (originalEventTarget) globalThis.EventTarget = originalEventTarget;
    if (originalEvent) globalThis.Event = originalEvent;
    vi.resetModules();
  });

  // partysocket logs (console.error) that it needs a global EventTarget when loaded without one, and
  // upstream cannot check it ("may not work perfectly due to module caching"). heartsocket needs one
  // too (its socket is an EventTarget, its events are Events) — its README lists the runtimes it
  // supports: "**Browsers**", "**Node 22+**", "**Node 20**", all of which have both. Loaded afresh
  // without them, it does not load quietly into a broken state: the import fails, naming what is
  // missing. (No warning, and no polyfill to point to: a difference the README does not state.)
  test('warns when EventTarget is not available', async () => {
    // Save original
    originalEventTarget = globalThis.EventTarget;
    originalEvent = globalThis.Event;

    // Remove EventTarget
    delete (globalThis as { EventTarget?: typeof EventTarget }).EventTarget;
    delete (globalThis as { Event?: typeof Event }).Event;

    // Re-import, afresh, to trigger the check
    vi.resetModules();
    let told: string[] = [];
    try {
      await import('../../adapters/index.js');
    } catch (error) {
      told.push(String(error));
    }
    told = [...told, ...errorSpy.mock.calls.map((call: unknown[]) => call.map(String).join(' '))];

    // Restore
    globalThis.EventTarget = originalEventTarget;
    globalThis.Event = originalEvent;

    // It names the missing global (which one it trips on first depends on module order).
    expect(told.join('\n')).toMatch(/\b(EventTarget|Event)\b.*not defined|EventTarget/);
  });
});

describe('Error Handling - Close Scenarios', () => {
  test('handles close before connection established', () => {
    const { socket, events } = createPartySocket(UNSERVED, undefined, { maxRetries: 0, startClosed: true });

    // Close immediately
    socket.close();

    // Should be in CLOSED state (3)
    expect(socket.readyState).toBe(3);
    // README: "(A `startClosed` socket that never connected has no socket to close: no `close`.)"
    expect(events.closes).toEqual([]);
  });

  test('handles multiple close calls', () => {
    const { socket, events } = createPartySocket(UNSERVED, undefined, { startClosed: true });

    socket.close();
    socket.close();
    socket.close();

    expect(socket.readyState).toBe(socket.CLOSED);
    expect(events.closes).toEqual([]);
  });

  // partysocket ignores reconnect() while an attempt is pending (upstream asserts nothing). heartsocket
  // starts the attempt again each time and reports the socket it dropped — README: "`close` exactly
  // once per underlying socket — including attempts that never opened and sockets heartsocket
  // abandoned (code 1006, with the reason: … `reconnect() called` …)"; the later calls replace
  // attempts that had built no socket yet: nothing to report. Never more than one attempt under way.
  test('handles reconnect while already connecting', async () => {
    const tcp = await startSilentTcpServer();
    const { socket, events } = createPartySocket(tcp.url, undefined, { maxRetries: 0 });
    await waitFor(() => tcp.handshakes === 1, 'the first handshake request');

    // Call reconnect multiple times rapidly
    socket.reconnect();
    socket.reconnect();
    socket.reconnect();
    expect(socket.state).toBe('connecting');

    await waitFor(() => tcp.handshakes === 2 && tcp.pendingHandshakes === 1, 'one new attempt, the old one dropped');
    expect(events.closes).toEqual([{ code: 1006, reason: 'reconnect() called', wasClean: false }]);

    socket.close();
    expect(socket.state).toBe('closed');
    expect(events.closes).toHaveLength(2);
    await waitFor(() => tcp.pendingHandshakes === 0, 'the attempt to be dropped');
    expect(tcp.handshakes).toBe(2);
  });
});

describe('Error Handling - Edge Cases', () => {
  test('handles extremely long message queue', async () => {
    const { socket } = createPartySocket(await refusedUrl(), undefined, {
      maxRetries: 0,
      maxEnqueuedMessages: Number.POSITIVE_INFINITY,
    });

    let bytes = 0;
    for (let i = 0; i < 1000; i++) {
      socket.send(`message-${i}`);
      bytes += `message-${i}`.length;
    }

    expect(socket.bufferedAmount).toBeGreaterThan(0);
    expect(socket.bufferedAmount).toBe(bytes);

    socket.close();
  });

  // Upstream only checks that it does not throw; here the empty message is also delivered.
  test('handles empty message send', async () => {
    const server = await startPartyServer();
    const received: string[] = [];
    server.wss.on('connection', (client) => client.on('message', (data) => received.push(wsText(data))));
    const { socket } = createPartySocket(server.url, undefined, { maxRetries: 0, startClosed: true });

    expect(() => {
      socket.send('');
    }).not.toThrow();

    socket.reconnect();
    await waitFor(() => received.length === 1, 'the empty message at the server');
    expect(received).toEqual(['']);
    socket.close();
    await waitForState(socket, 'closed');
  });

  // Upstream asserts nothing. The first reconnect() starts an attempt, each later one replaces it
  // before it built a socket (no close to report: README "`close` exactly once per underlying
  // socket"), and close() ends it with its one close (README: "`close()` is always followed by
  // exactly one `close`").
  test('handles rapid reconnect calls', async () => {
    const spy = spyWebSocket(UndiciWebSocket);
    const { socket, events } = createPartySocket(UNSERVED, undefined, { maxRetries: 0, startClosed: true, WebSocket: spy.SpyWebSocket });

    for (let i = 0; i < 10; i++) socket.reconnect();

    socket.close();
    expect(socket.state).toBe('closed');
    await settle();
    expect(events.closes.filter((close) => close.reason === 'reconnect() called')).toHaveLength(0);
    expect(events.closes).toHaveLength(1);
    expect(spy.created).toHaveLength(0);
  });

  test('handles binaryType changes while disconnected', () => {
    const { socket } = createPartySocket(UNSERVED, undefined, { startClosed: true });

    expect(() => {
      socket.binaryType = 'arraybuffer';
      socket.binaryType = 'blob';
    }).not.toThrow();

    expect(socket.binaryType).toBe('blob');

    socket.close();
  });
});

describe('Error Handling - Retry Logic', () => {
  // Upstream's socket never connects (255.255.255.255), so it only sees the count grow; here the
  // server refuses first, then accepts, and the count is 0 once the connection stayed up minUptime.
  test('resets retry count on successful connection', async () => {
    const server = await startServer();
    server.refuseUpgrades = true;
    const clock = new SimulatedClock();
    const { socket } = createPartySocket(
      server.url,
      undefined,
      { maxRetries: 5, minReconnectionDelay: 10, maxReconnectionDelay: 20, connectionTimeout: 500, minUptime: 50 },
      { clock },
    );

    for (let retry = 1; retry <= 2; retry++) {
      await waitForState(socket, 'reconnectWait');
      clock.increment(20);
    }
    await waitForState(socket, 'reconnectWait');
    expect(socket.retryCount).toBeGreaterThan(0);
    expect(socket.retryCount).toBe(3);

    server.refuseUpgrades = false;
    clock.increment(20);
    await waitForState(socket, 'open');
    expect(socket.retryCount).toBe(3); // not yet: the connection has to stay up minUptime
    clock.increment(49);
    expect(socket.retryCount).toBe(3);
    clock.increment(1);
    expect(socket.retryCount).toBe(0);
    socket.close();
    await waitForState(socket, 'closed');
  });

  // Upstream sets the private `_retryCount` and reads `_getNextDelay()`; here each wait is measured
  // on the clock: min(maxDelay, delay × factor^(n−1)).
  test('exponential backoff increases delay correctly', async () => {
    const clock = new SimulatedClock();
    const { socket } = createPartySocket(
      await refusedUrl(),
      undefined,
      { minReconnectionDelay: 50, maxReconnectionDelay: 500, reconnectionDelayGrowFactor: 2, maxRetries: 5 },
      { clock },
    );

    const delays = [50, 100, 200, 400, 500];
    for (const delay of delays) {
      await waitForState(socket, 'reconnectWait');
      expectRetryAfter(socket, clock, delay);
    }

    // Verify exponential growth
    expect(delays[1]).toBeGreaterThan(delays[0]!);
    expect(delays[2]).toBeGreaterThan(delays[1]!);
    await waitForState(socket, 'closed');

    socket.close();
  });
});

describe('Error Handling - Debug Mode', () => {
  // partysocket's `debugLogger` gets its debug lines. heartsocket has no debug options — README: "a
  // wrong type or an unknown option name (a typo) is a `TypeError`" — and gives its lifecycle to
  // `inspect` ("| `inspect` | none | XState's inspection observer (e.g. the Stately inspector) |"), synchronously, as upstream's
  // logger gets it: reconnect() starts the `socket` actor.
  test('custom debugLogger receives messages', () => {
    const debugLogger = vi.fn();
    expect(() =>
      createPartySocket(UNSERVED, undefined, { maxRetries: 0, startClosed: true }, { debug: true, debugLogger } as never),
    ).toThrow(/unknown option debug/);

    const inspect = vi.fn<(event: InspectionEvent) => void>();
    const { socket } = createPartySocket(UNSERVED, undefined, { maxRetries: 0, startClosed: true }, { inspect });
    expect(startedActors(inspect.mock.calls.map(([event]) => event))).not.toContain('socket');

    socket.reconnect();

    expect(startedActors(inspect.mock.calls.map(([event]) => event))).toContain('socket');
    expect(debugLogger).not.toHaveBeenCalled();

    socket.close();
  });

  // As above: `debug` is refused; the inspector sees every connection attempt (maxRetries: 1 — two).
  test('debug mode logs connection attempts', async () => {
    const logSpy = vi.spyOn(console, 'log').mockImplementation(() => {});
    const url = await refusedUrl();
    expect(() => createPartySocket(url, undefined, { maxRetries: 1 }, { debug: true } as never)).toThrow(TypeError);

    const clock = new SimulatedClock();
    const inspected: InspectionEvent[] = [];
    const { socket } = createPartySocket(
      url,
      undefined,
      { maxRetries: 1 },
      { clock, inspect: (event) => void inspected.push(event) },
    );
    await waitForState(socket, 'reconnectWait');
    clock.increment(LONG_AFTER);
    await waitForState(socket, 'closed');

    expect(startedActors(inspected).filter((id) => id === 'socket')).toHaveLength(2);
    expect(logSpy).not.toHaveBeenCalled();
    socket.close();
  });
});
