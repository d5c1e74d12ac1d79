/**
 * partysocket's `src/tests/edge-cases.test.ts` (cloudflare/partykit at c9ab55f3), ported to
 * HeartSocket: every test of the WebSocket part, under its upstream name and in its upstream
 * `describe`. Upstream builds its sockets with `new PartySocket({ host, room, … })`; what these tests
 * check is the ReconnectingWebSocket underneath, so here the socket is a HeartSocket given the URL
 * PartySocket would build (`ws://<host>/parties/main/<room>`). Where heartsocket deliberately
 * differs, the test checks heartsocket's documented behaviour and quotes the README line.
 *
 * Left out — PartySocket-only features, nothing of the WebSocket part to port:
 * - "Edge Cases - UUID Generation" > "should use crypto.randomUUID when available": PartySocket's connection `id` (rooms).
 * - "Edge Cases - UUID Generation" > "should generate valid UUID when crypto.randomUUID is not available": PartySocket's `id`.
 * - "Edge Cases - UUID Generation" > "should generate different UUIDs for different sockets": PartySocket's `id`.
 * - "Edge Cases - UUID Generation" > "should use provided id when specified": PartySocket's `id` option.
 * - "Edge Cases - IP Address Detection" > "should detect localhost with 127.0.0.1": PartySocket's host → ws:/wss: URL building.
 * - "Edge Cases - IP Address Detection" > "should detect localhost with localhost": host URL building.
 * - "Edge Cases - IP Address Detection" > "should detect private IP 192.168.x.x": host URL building.
 * - "Edge Cases - IP Address Detection" > "should detect private IP 10.x.x.x": host URL building.
 * - "Edge Cases - IP Address Detection" > "should detect private IP 172.16.x.x (lower bound)": host URL building.
 * - "Edge Cases - IP Address Detection" > "should detect private IP 172.31.x.x (upper bound)": host URL building.
 * - "Edge Cases - IP Address Detection" > "should detect private IP 172.20.x.x (middle of range)": host URL building.
 * - "Edge Cases - IP Address Detection" > "should NOT detect 172.15.x.x as private (below range)": host URL building.
 * - "Edge Cases - IP Address Detection" > "should NOT detect 172.32.x.x as private (above range)": host URL building.
 * - "Edge Cases - IP Address Detection" > "should detect IPv6 localhost [::ffff:7f00:1]": host URL building.
 * - "Edge Cases - IP Address Detection" > "should use wss for public domain": host URL building.
 * - "Edge Cases - IP Address Detection" > "should use wss for public IP": host URL building.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { HeartSocketError } from '../../adapters/errors.js';
import {
  cleanup,
  createPartySocket,
  LONG_AFTER,
  nextEvent,
  settle,
  spyWebSocket,
  startPartyServer,
  startServer,
  UndiciWebSocket,
  waitFor,
  waitForState,
  type PartyServer,
} from './partysocketSupport.js';
import { wsText } from '../support/text.js';

afterEach(cleanup);

/** The URL `new PartySocket({ host, room })` connects to: `<server>/parties/main/<room>`. */
const roomUrl = (server: { url: string }, room = 'test-room'): string =>
  `${server.url.replace(/\/$/, '')}/parties/main/${room}`;

/** Upstream's sockets to a `localhost:1999` nobody is asked to serve: a port that refuses. */
const UNSERVED = 'ws://127.0.0.1:1/parties/main/test-room';

/** Sends binary data to every client of `server`. */
const sendBinary = (server: PartyServer, bytes: number[]): void => {
  for (const client of server.wss.clients) client.send(Buffer.from(bytes), { binary: true });
};

describe('Edge Cases - BinaryType', () => {
  let server: PartyServer;
  beforeEach(async () => {
    server = await startPartyServer();
  });

  it("should default binaryType to 'blob'", () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    expect(socket.binaryType).toBe('blob');
  });

  it('should set binaryType before connection', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    socket.binaryType = 'arraybuffer';
    expect(socket.binaryType).toBe('arraybuffer');
  });

  it('should apply binaryType to WebSocket after connection', async () => {
    const spy = spyWebSocket(UndiciWebSocket);
    const { socket, events } = createPartySocket(roomUrl(server), undefined, { startClosed: true, WebSocket: spy.SpyWebSocket });

    socket.binaryType = 'arraybuffer';
    const open = nextEvent(socket, 'open');
    socket.reconnect();
    await open;

    expect(socket.binaryType).toBe('arraybuffer');
    expect(spy.created[0]?.binaryType).toBe('arraybuffer');
    sendBinary(server, [1, 2, 3]);
    await waitFor(() => events.messages.length === 1, 'the binary message');
    expect(events.messages[0]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(events.messages[0] as ArrayBuffer)]).toEqual([1, 2, 3]);
    socket.close();
    await waitForState(socket, 'closed');
  });

  it('should preserve binaryType across reconnections', async () => {
    const spy = spyWebSocket(UndiciWebSocket);
    const { socket, events } = createPartySocket(roomUrl(server), undefined, { startClosed: true, WebSocket: spy.SpyWebSocket });

    socket.binaryType = 'arraybuffer';
    const open = nextEvent(socket, 'open');
    socket.reconnect();
    await open;
    expect(socket.binaryType).toBe('arraybuffer');

    // Trigger reconnection
    const secondOpen = nextEvent(socket, 'open');
    socket.reconnect();
    await secondOpen;

    expect(socket.binaryType).toBe('arraybuffer');
    expect(spy.created).toHaveLength(2);
    expect(spy.created[1]?.binaryType).toBe('arraybuffer');
    sendBinary(server, [4, 5]);
    await waitFor(() => events.messages.length === 1, 'the binary message');
    expect(events.messages[0]).toBeInstanceOf(ArrayBuffer);
    socket.close();
    await waitForState(socket, 'closed');
  });
});

describe('Edge Cases - Message Queue', () => {
  let server: PartyServer;
  beforeEach(async () => {
    server = await startPartyServer();
  });

  it('should queue messages up to maxEnqueuedMessages', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { maxEnqueuedMessages: 3, startClosed: true });

    socket.send('message1');
    socket.send('message2');
    socket.send('message3');

    expect(socket.bufferedAmount).toBeGreaterThan(0);
    expect(socket.bufferedAmount).toBe(3 * 'message1'.length);
  });

  // partysocket drops the message past maxEnqueuedMessages without a word. heartsocket refuses it at
  // the call — README: "a full queue throws `code: 'QUEUE_FULL'` — a message is never dropped
  // quietly." The queue is unchanged either way.
  it('should not queue messages beyond maxEnqueuedMessages', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { maxEnqueuedMessages: 2, startClosed: true });

    socket.send('message1');
    socket.send('message2');
    const bufferedBefore = socket.bufferedAmount;

    expect(() => socket.send('message3')).toThrow(HeartSocketError); // upstream: "This should be dropped"
    expect(() => socket.send('message3')).toThrow(/queue is full/);

    expect(socket.bufferedAmount).toBe(bufferedBefore);
  });

  // As above: the sixth message is refused with QUEUE_FULL, not dropped quietly.
  it('should handle exactly maxEnqueuedMessages', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { maxEnqueuedMessages: 5, startClosed: true });

    // Send exactly 5 messages
    for (let i = 0; i < 5; i++) socket.send(`message${i}`);

    expect(socket.bufferedAmount).toBeGreaterThan(0);

    // 6th message is refused
    const bufferedBefore = socket.bufferedAmount;
    let refused: unknown = null;
    try {
      socket.send('message6');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(HeartSocketError);
    expect((refused as HeartSocketError).code).toBe('QUEUE_FULL');
    expect(socket.bufferedAmount).toBe(bufferedBefore);
  });

  it('should calculate bufferedAmount for string messages', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    socket.send('hello');
    expect(socket.bufferedAmount).toBe(5); // "hello".length
  });

  it('should calculate bufferedAmount for Blob messages', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    const blob = new Blob(['test data']);
    socket.send(blob);

    expect(socket.bufferedAmount).toBe(9); // blob.size
  });

  it('should calculate bufferedAmount for ArrayBuffer messages', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    const buffer = new ArrayBuffer(8);
    socket.send(buffer);

    expect(socket.bufferedAmount).toBe(8); // buffer.byteLength
  });

  it('should calculate bufferedAmount for ArrayBufferView messages', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    const view = new Uint8Array([1, 2, 3, 4, 5]);
    socket.send(view);

    expect(socket.bufferedAmount).toBe(5); // view.byteLength
  });

  it('should flush message queue on connection', async () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    const messages: string[] = [];
    server.wss.on('connection', (client) => {
      client.on('message', (data) => messages.push(wsText(data)));
    });

    // Queue messages
    socket.send('queued1');
    socket.send('queued2');
    expect(socket.bufferedAmount).toBeGreaterThan(0);

    const open = nextEvent(socket, 'open');
    socket.reconnect();
    await open;

    // Wait for messages to be sent
    await waitFor(() => messages.length === 2, 'both queued messages at the server');
    expect(messages).toEqual(['queued1', 'queued2']);
    expect(server.paths).toEqual(['/parties/main/test-room']);

    socket.close();
    await waitForState(socket, 'closed');
  });
});

describe('Edge Cases - ReadyState Constants', () => {
  it('should expose static readyState constants', () => {
    expect(HeartSocket.CONNECTING).toBe(0);
    expect(HeartSocket.OPEN).toBe(1);
    expect(HeartSocket.CLOSING).toBe(2);
    expect(HeartSocket.CLOSED).toBe(3);
  });

  it('should expose instance readyState constants', () => {
    const { socket } = createPartySocket(UNSERVED, undefined, { startClosed: true });

    expect(socket.CONNECTING).toBe(0);
    expect(socket.OPEN).toBe(1);
    expect(socket.CLOSING).toBe(2);
    expect(socket.CLOSED).toBe(3);
  });

  it('should report CLOSED state when startClosed is true', () => {
    const { socket } = createPartySocket(UNSERVED, undefined, { startClosed: true });

    expect(socket.readyState).toBe(HeartSocket.CLOSED);
  });

  it('should report CONNECTING state by default', () => {
    const { socket } = createPartySocket(UNSERVED);

    expect(socket.readyState).toBe(HeartSocket.CONNECTING);
    socket.close();
    expect(socket.readyState).toBe(HeartSocket.CLOSED);
  });
});

describe('Edge Cases - Close Behavior', () => {
  let server: PartyServer;
  beforeEach(async () => {
    server = await startPartyServer();
  });

  // And nothing to report: README: "(A `startClosed` socket that never connected has no socket to
  // close: no `close`.)"
  it('should handle close() when not connected', async () => {
    const { socket, events } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    expect(() => socket.close()).not.toThrow();
    expect(socket.readyState).toBe(socket.CLOSED);
    expect(events.closes).toEqual([]);
    await settle();
    expect(server.clients).toHaveLength(0);
  });

  it('should handle multiple close() calls', async () => {
    const { socket, events } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    const open = nextEvent(socket, 'open');
    socket.reconnect();
    await open;

    socket.close();
    expect(() => socket.close()).not.toThrow();
    await waitForState(socket, 'closed');
    expect(events.closes).toHaveLength(1);
  });

  // partysocket has a `shouldReconnect` property. heartsocket's answer is its state — README: "|
  // `closed` | `close()`; …; `startClosed` | only `reconnect()` |", "| `connecting` | at start; after
  // the backoff; on `reconnect()` |" — and after close() the tag `forGood` (docs/internals.md:
  // "`closing.forGood` and `closed.ended` carry the tag `forGood` (`snapshot.hasTag('forGood')`: nothing
  // more is sent, nothing reconnects until `reconnect()`)"). A `startClosed` socket is `closed` without that tag — README: "| `startClosed`
  // option | construct without connecting: `closed` until `reconnect()`, and `send()` queues meanwhile |".
  it('should set shouldReconnect to false when close() is called', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });
    const isForGood = (): boolean => socket.actor.getSnapshot().hasTag('forGood');

    expect([socket.state, isForGood()]).toEqual(['closed', false]); // shouldReconnect: false

    socket.reconnect();
    expect([socket.state, isForGood()]).toEqual(['connecting', false]); // shouldReconnect: true

    socket.close();
    expect([socket.state, isForGood()]).toEqual(['closed', true]); // shouldReconnect: false
  });
});

describe('Edge Cases - RetryCount', () => {
  it('should start with retryCount 0', () => {
    const { socket } = createPartySocket(UNSERVED, undefined, { startClosed: true });

    expect(socket.retryCount).toBe(0);
  });

  // Upstream's socket has no failed attempt behind it, so its count is 0 anyway; here failed
  // attempts are made first, so that the reset is seen.
  it('should reset retryCount when reconnect() is called', async () => {
    const server = await startServer();
    const clock = new SimulatedClock();
    const { socket } = createPartySocket(`${server.url}/parties/main/test-room`, undefined, { startClosed: true }, { clock });

    const open = nextEvent(socket, 'open');
    socket.reconnect();
    await open;

    // Force a reconnection by calling reconnect
    socket.reconnect();
    // retryCount should be reset to 0
    expect(socket.retryCount).toBe(0);
    await waitForState(socket, 'open');

    // Now two failed attempts: the server drops the connection and refuses the next ones.
    server.refuseUpgrades = true;
    server.terminateAll();
    await waitForState(socket, 'reconnectWait');
    clock.increment(LONG_AFTER);
    await waitForState(socket, 'reconnectWait');
    expect(socket.retryCount).toBe(2);

    socket.reconnect();
    expect(socket.retryCount).toBe(0);
    expect(socket.state).toBe('connecting');

    socket.close();
  });
});

describe('Edge Cases - Extensions and Protocol', () => {
  let server: PartyServer;
  beforeEach(async () => {
    server = await startPartyServer();
  });

  it('should return empty string for extensions when not connected', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    expect(socket.extensions).toBe('');
  });

  it('should return empty string for protocol when not connected', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    expect(socket.protocol).toBe('');
  });

  it('should return empty string for url when not connected', () => {
    const { socket } = createPartySocket(roomUrl(server), undefined, { startClosed: true });

    expect(socket.url).toBe('');
  });
});
