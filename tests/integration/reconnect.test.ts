import { afterEach, describe, expect, it, vi } from 'vitest';
import { countingWebSocket, LONG_AFTER, NETWORK_GRACE, settle, TestClock } from '../support/wait.js';
import {
  cleanup,
  countTransitions,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  RECONNECT_DELAY,
  sleep,
  startServer,
  startSilentTcpServer,
  waitFor,
  waitForState,
  openSocket,
} from '../support/client.js';

describe.each(IMPLEMENTATIONS)('reconnect (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  describe('after the server goes away', () => {
    it('reports the drop with a close event and waits in reconnectWait', async () => {
      const server = await startServer();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { reconnect: { delay: 5000 } }));
      await waitForState(socket, 'open');

      await server.stop();

      await waitForState(socket, 'reconnectWait');
      expect(events.closes).toEqual([{ code: 1006, reason: '', wasClean: false }]);
      expect(socket.readyState).toBe(socket.CONNECTING);
    });

    it('connects again after the configured delay once the server is back', async () => {
      const { server, socket, events } = await openSocket(WebSocket);
      await server.stop();
      await waitForState(socket, 'reconnectWait');

      await server.restart();

      await waitForState(socket, 'open');
      expect(events.opens).toBe(2);
      expect(server.connections).toBe(2);
      expect(server.liveConnections).toBe(1);
      expect(countTransitions(events.states, 'reconnectWait', 'connecting')).toBeGreaterThanOrEqual(1);
    });

    it('delivers the messages sent while down, in order, after reconnecting', async () => {
      const { server, socket, events } = await openSocket(WebSocket);
      socket.send('before');
      await waitFor(() => server.received.length === 1, 'the first message');
      await server.stop();
      await waitForState(socket, 'reconnectWait');

      for (const message of ['a', 'b', 'c', 'd', 'e']) socket.send(message);
      await server.restart();

      await waitFor(() => server.received.length === 6, 'the queued messages');
      expect(server.received).toEqual(['before', 'a', 'b', 'c', 'd', 'e']);
      await waitFor(() => events.messages.length === 6, 'their echoes');
      expect(events.messages).toEqual(['before', 'a', 'b', 'c', 'd', 'e']);
    });

    it('keeps binaryType across reconnects', async () => {
      const server = await startServer();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket));
      socket.binaryType = 'arraybuffer';
      await waitForState(socket, 'open');
      await server.stop();
      await waitForState(socket, 'reconnectWait');
      await server.restart();
      await waitForState(socket, 'open');

      server.broadcast(new Uint8Array([1, 2, 3]));

      await waitFor(() => events.messages.length === 1, 'the binary message');
      const [data] = events.messages;
      expect(data).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([1, 2, 3]);
      expect(socket.binaryType).toBe('arraybuffer');
    });
  });

  describe('when the connection is refused', () => {
    it('ends the attempt at once (error, then close 1006), not at connectTimeout', async () => {
      const server = await startServer();
      await server.stop();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { connectTimeout: 10_000, reconnect: false }));

      await waitForState(socket, 'closed');

      expect(events.errors).toHaveLength(1);
      expect(events.closes).toEqual([{ code: 1006, reason: '', wasClean: false }]);
      expect(events.opens).toBe(0);
    });
  });

  describe('when the handshake never completes', () => {
    it('abandons the attempt after connectTimeout and waits to retry', async () => {
      const tcp = await startSilentTcpServer();
      const { socket, events } = createSocket(
        tcp.url,
        fastOptions(WebSocket, { connectTimeout: 100, reconnect: { delay: 5000 } }),
      );

      await waitForState(socket, 'reconnectWait');

      expect(events.closes).toEqual([{ code: 1006, reason: 'connect timeout', wasClean: false }]);
      expect(events.opens).toBe(0);
      expect(tcp.handshakes).toBe(1);
      await waitFor(() => tcp.pendingHandshakes === 0, 'the abandoned connection to be dropped');
    });
  });

  describe('when the server closes with a code', () => {
    it('asks shouldReconnect with the close, and ends in closed when it says no', async () => {
      const server = await startServer();
      const shouldReconnect = vi.fn(() => false);
      const clock = new TestClock();
      const { socket, events } = createSocket(
        server.url,
        fastOptions(WebSocket, { reconnect: { delay: RECONNECT_DELAY, shouldReconnect }, clock }),
      );
      await waitForState(socket, 'open');

      server.closeAll(4001, 'go away');

      await waitForState(socket, 'closed');
      expect(shouldReconnect).toHaveBeenCalledTimes(1);
      expect(shouldReconnect).toHaveBeenCalledWith({ code: 4001, reason: 'go away', wasClean: true });
      expect(events.closes).toEqual([{ code: 4001, reason: 'go away', wasClean: true }]);
      // No retry scheduled, and none comes however long the clock runs.
      expect(clock.pending).toBe(0);
      const statesAtClosed = events.states.length;
      clock.advance(LONG_AFTER);
      await settle();
      expect(events.states.slice(statesAtClosed)).toEqual([]);
      expect(shouldReconnect).toHaveBeenCalledTimes(1);
      expect(events.closes).toHaveLength(1);
      expect(server.connections).toBe(1);
    });

    it('reconnects when shouldReconnect says yes', async () => {
      const server = await startServer();
      const shouldReconnect = vi.fn(() => true);
      const { socket, events } = createSocket(
        server.url,
        fastOptions(WebSocket, { reconnect: { delay: RECONNECT_DELAY, shouldReconnect } }),
      );
      await waitForState(socket, 'open');

      server.closeAll(4001, 'go away');

      await waitFor(() => events.opens === 2, 'the second open');
      expect(shouldReconnect).toHaveBeenCalledWith({ code: 4001, reason: 'go away', wasClean: true });
      expect(server.connections).toBe(2);
    });

    it('ends in closed with reconnect: false', async () => {
      const server = await startServer();
      const clock = new TestClock();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { reconnect: false, clock }));
      await waitForState(socket, 'open');

      server.closeAll(4001, 'go away');

      await waitForState(socket, 'closed');
      expect(events.closes).toEqual([{ code: 4001, reason: 'go away', wasClean: true }]);
      expect(socket.readyState).toBe(socket.CLOSED);
      // No retry scheduled, and none comes however long the clock runs.
      expect(clock.pending).toBe(0);
      const statesAtClosed = events.states.length;
      clock.advance(LONG_AFTER);
      await settle();
      expect(events.states.slice(statesAtClosed)).toEqual([]);
      expect(events.closes).toHaveLength(1);
      expect(server.connections).toBe(1);
    });
  });

  it('gives up after maxRetries failed attempts and ends in closed', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WebSocket, { reconnect: { delay: RECONNECT_DELAY, maxRetries: 2 } }),
    );
    await waitForState(socket, 'open');

    await server.stop();

    await waitForState(socket, 'closed');
    // The drop, then two refused retries.
    expect(events.closes).toHaveLength(3);
    expect(countTransitions(events.states, 'reconnectWait', 'connecting')).toBe(2);
    expect(events.opens).toBe(1);
  });

  describe('reconnect()', () => {
    it('called five times in a row leaves exactly one live connection', async () => {
      const server = await startServer();
      const clock = new TestClock();
      const counting = countingWebSocket(WebSocket);
      const { socket, events } = createSocket(server.url, fastOptions(counting.WebSocket, { clock }));
      await waitForState(socket, 'open');

      for (let i = 0; i < 5; i++) socket.reconnect();

      await waitFor(() => events.opens === 2 && server.liveConnections === 1, 'one new connection');
      // Far past any connect timeout or retry an abandoned attempt could have left behind.
      clock.advance(LONG_AFTER);
      await settle();
      expect(socket.state).toBe('open');
      expect(events.opens).toBe(2);
      // The first socket and the one that replaced it: no other socket exists to reach the server.
      expect(counting.made).toHaveLength(2);
      expect(server.liveConnections).toBe(1);
      expect(server.connections).toBe(2);
      // One close per socket built: the open one replaced; the four attempts replaced before they
      // had built a socket (their URL was still being looked up) had none to report.
      expect(events.closes).toEqual([{ code: 1006, reason: 'reconnect() called', wasClean: false }]);
    });

    it('called while earlier attempts are still connecting leaves exactly one live connection', async () => {
      const server = await startServer();
      const clock = new TestClock();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { clock }));

      for (let i = 0; i < 5; i++) {
        await sleep(1); // real time: lets each attempt get its handshake under way before it is replaced
        socket.reconnect();
      }

      await waitForState(socket, 'open');
      await waitFor(() => server.liveConnections === 1, 'a single live connection');
      const statesAtOpen = events.states.length;
      // Far past any connect timeout or retry an abandoned attempt could have left behind.
      clock.advance(LONG_AFTER);
      // Real time: handshakes of abandoned attempts may still be reaching the server, which no clock drives.
      await sleep(NETWORK_GRACE);
      expect(events.states.slice(statesAtOpen)).toEqual([]);
      expect(socket.state).toBe('open');
      expect(server.liveConnections).toBe(1);
      // One close event per abandoned attempt, each for the reconnect() that replaced it.
      expect(events.closes).toHaveLength(5);
    });

    it('connects again at once from closed', async () => {
      const { server, socket, events } = await openSocket(WebSocket);
      socket.close();
      await waitForState(socket, 'closed');

      socket.reconnect();

      await waitForState(socket, 'open');
      expect(events.opens).toBe(2);
      await waitFor(() => server.liveConnections === 1, 'one live connection');
    });
  });
});
