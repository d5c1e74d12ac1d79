/**
 * A server that starts the closing handshake and then lingers: its close frame arrives,
 * but it never reads the client's reply and never ends the TCP connection. The close frame is
 * written straight to the server's TCP socket (`TestServer.closeAndLinger`).
 */
import WsWebSocket from 'ws';
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloseInfo } from '../../machine/settings.js';
import {
  cleanup,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  isPong,
  RECONNECT_DELAY,
  sleep,
  startServer,
  waitFor,
  waitForState,
} from '../support/client.js';

const CLOSE_TIMEOUT = 300;
const SLACK = 1500;

describe.each(IMPLEMENTATIONS)("the server's close frame, then a lingering TCP connection (%s)", (_name, WebSocket) => {
  afterEach(cleanup);

  it('is CLOSING from the moment the close frame arrives, and send() queues for the next connection', async () => {
    // The machine's timers run on a simulated clock: nothing but the close frame can move it.
    const clock = new SimulatedClock();
    const heartbeat = { interval: 100, timeout: 50, isPong };
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WebSocket, { clock, heartbeat, closeTimeout: CLOSE_TIMEOUT }),
    );
    await waitForState(socket, 'open');
    expect(socket.readyState).toBe(1);

    server.closeAndLinger(1008, 'policy');

    await waitFor(() => socket.readyState === socket.CLOSING, () => `readyState CLOSING; it is ${socket.readyState}`);
    expect(socket.state).toBe('open'); // the socket closes, not the machine: nothing has ended yet
    expect(events.closes).toEqual([]);

    socket.send('after the close frame');

    expect(socket.bufferedAmount).toBeGreaterThanOrEqual('after the close frame'.length);
    expect(socket.readyState).toBe(2);

    // The lingering peer is ended by the heartbeat (no custom clock drives ws's own closeTimeout).
    clock.increment(heartbeat.interval);
    clock.increment(heartbeat.timeout);
    clock.increment(CLOSE_TIMEOUT);
    expect(socket.state).toBe('reconnectWait');
    expect(events.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
    clock.increment(RECONNECT_DELAY);
    await waitForState(socket, 'open');
    await waitFor(() => server.received.length === 1, 'the queued message on the next connection');
    expect(server.received).toEqual(['after the close frame']);
    expect(server.connections).toBe(2);
    expect(socket.bufferedAmount).toBe(0);
  });
});

describe('with ws: the peer code reaches the app although the peer lingers', () => {
  afterEach(cleanup);

  it("gives the close event and shouldReconnect the server's 1008 'policy' (ws closes after heartsocket's closeTimeout)", async () => {
    const server = await startServer();
    const asked: CloseInfo[] = [];
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WsWebSocket, {
        closeTimeout: CLOSE_TIMEOUT,
        reconnect: { delay: 30, minUptime: 60_000, shouldReconnect: (close) => (asked.push({ ...close }), true) },
      }),
    );
    await waitForState(socket, 'open');

    server.closeAndLinger(1008, 'policy');

    await waitFor(() => events.closes.length === 1, 'the close event', CLOSE_TIMEOUT + SLACK);
    // ws counts the handshake as clean: both close frames went through, though ws had to drop the TCP.
    expect(events.closes).toEqual([{ code: 1008, reason: 'policy', wasClean: true }]);
    expect(asked).toEqual(events.closes);
    await waitForState(socket, 'open');
    expect(server.connections).toBe(2);
  });
});

describe('with the undici global WebSocket: the code is not known while the peer lingers', () => {
  afterEach(cleanup);

  it('is ended by the heartbeat: the app and shouldReconnect hear 4000 "heartbeat timeout"', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const asked: CloseInfo[] = [];
    const heartbeat = { interval: 150, timeout: 100, isPong };
    const { socket, events } = createSocket(
      server.url,
      fastOptions(globalThis.WebSocket, {
        heartbeat,
        closeTimeout: CLOSE_TIMEOUT,
        reconnect: { delay: 30, minUptime: 60_000, shouldReconnect: (close) => (asked.push({ ...close }), true) },
      }),
    );
    await waitForState(socket, 'open');

    server.closeAndLinger(1008, 'policy');

    await waitFor(() => events.closes.length === 1, 'the close event', heartbeat.interval + heartbeat.timeout + CLOSE_TIMEOUT + SLACK);
    expect(events.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
    expect(asked).toEqual(events.closes);
    await waitForState(socket, 'open');
  });

  it('reports the peer code once the peer finally ends the TCP connection (heartbeat off)', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(
      server.url,
      fastOptions(globalThis.WebSocket, { closeTimeout: CLOSE_TIMEOUT, reconnect: false }),
    );
    await waitForState(socket, 'open');
    server.closeAndLinger(1008, 'policy');
    await waitFor(() => socket.readyState === socket.CLOSING, () => `readyState CLOSING; it is ${socket.readyState}`);

    await sleep(2 * CLOSE_TIMEOUT); // undici waits for the peer's TCP, however long it takes
    expect(events.closes).toEqual([]);
    expect(socket.readyState).toBe(2);
    await server.stop();

    await waitForState(socket, 'closed');
    expect(events.closes).toEqual([{ code: 1008, reason: 'policy', wasClean: true }]);
  });
});
