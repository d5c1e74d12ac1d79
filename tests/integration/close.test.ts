import { afterEach, describe, expect, it } from 'vitest';
import { countingWebSocket, LONG_AFTER, settle, TestClock } from '../support/wait.js';
import {
  cleanup,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  isPong,
  startServer,
  startSilentTcpServer,
  waitFor,
  waitForState,
  openSocket,
} from '../support/client.js';

/** The close event of a close() that had no socket to do a handshake with. */
const userCloseWithoutHandshake = { code: 1000, reason: '', wasClean: false };

describe.each(IMPLEMENTATIONS)('close() (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  describe('in each state', () => {
    it('while connecting (handshake pending): one close event, no open, the attempt dropped', async () => {
      const tcp = await startSilentTcpServer();
      const clock = new TestClock();
      const { socket, events } = createSocket(tcp.url, fastOptions(WebSocket, { clock }));
      await waitFor(() => tcp.handshakes === 1, 'the handshake request');
      expect(socket.state).toBe('connecting');
      expect(clock.pending).toBeGreaterThan(0); // the connect timeout

      socket.close();

      expect(socket.state).toBe('closed');
      // No connect timeout and no retry left, and nothing happens however long the clock runs.
      expect(clock.pending).toBe(0);
      clock.advance(LONG_AFTER);
      await settle();
      expect(events.states).toEqual(['connecting', 'closed']);
      expect(events.opens).toBe(0);
      expect(events.closes).toEqual([userCloseWithoutHandshake]);
      await waitFor(() => tcp.pendingHandshakes === 0, 'the abandoned connection to be dropped');
      expect(tcp.handshakes).toBe(1);
    });

    it('right after construction: no connection is ever made', async () => {
      const server = await startServer();
      const clock = new TestClock();
      const counting = countingWebSocket(WebSocket);
      const { socket, events } = createSocket(server.url, fastOptions(counting.WebSocket, { clock }));

      socket.close();

      expect(socket.state).toBe('closed');
      expect(clock.pending).toBe(0);
      clock.advance(LONG_AFTER);
      // The first attempt's URL lookup (asynchronous) is over: a socket it made after close() is in `made`.
      await settle();
      expect(counting.made).toHaveLength(0);
      expect(events.states).toEqual(['connecting', 'closed']);
      expect(server.connections).toBe(0);
      expect(events.opens).toBe(0);
      expect(events.closes).toEqual([userCloseWithoutHandshake]);
    });

    it('while open: a clean close with the given code, seen by the server', async () => {
      const { server, socket, events } = await openSocket(WebSocket);

      socket.close(4321, 'done');

      expect(socket.state).toBe('closing');
      await waitForState(socket, 'closed');
      expect(events.closes).toEqual([{ code: 4321, reason: 'done', wasClean: true }]);
      await waitFor(() => server.closes.length === 1, 'the server to see the close');
      expect(server.closes).toEqual([{ code: 4321, reason: 'done' }]);
      expect(server.liveConnections).toBe(0);
    });

    it('while awaitingPong: a clean close, seen by the server', async () => {
      const server = await startServer({ pingReply: 'pong' });
      const clock = new TestClock();
      const { socket, events } = createSocket(
        server.url,
        fastOptions(WebSocket, { heartbeat: { interval: 60, timeout: 5000, isPong }, clock }),
      );
      await waitForState(socket, 'open');
      server.mute();
      clock.advance(60); // silent for the interval: the ping goes out
      expect(socket.state).toBe('awaitingPong');

      socket.close();

      await waitForState(socket, 'closed');
      expect(events.closes).toEqual([{ code: 1000, reason: '', wasClean: true }]);
      await waitFor(() => server.closes.length === 1, 'the server to see the close');
      expect(server.closes).toEqual([{ code: 1000, reason: '' }]);
      // No pong timeout, close timeout or retry left: nothing reconnects however long the clock runs.
      expect(clock.pending).toBe(0);
      const statesAtClosed = events.states.length;
      clock.advance(LONG_AFTER);
      await settle();
      expect(events.states.slice(statesAtClosed)).toEqual([]);
      expect(events.closes).toHaveLength(1);
      expect(server.connections).toBe(1);
    });

    it('while closing (after a heartbeat timeout): ends at once for good, with the one 4000 close event', async () => {
      const server = await startServer({ pingReply: 'pong' });
      const clock = new TestClock();
      const { socket, events } = createSocket(
        server.url,
        fastOptions(WebSocket, { heartbeat: { interval: 60, timeout: 60, isPong }, closeTimeout: 300, clock }),
      );
      await waitForState(socket, 'open');
      server.goSilent();
      clock.advance(60); // silent for the interval: the ping goes out
      clock.advance(60); // no pong within the timeout (advance also runs the 0 ms input read that follows)
      expect(socket.state).toBe('closing');

      socket.close();

      // The peer is already judged dead: close() does not wait for its answer.
      expect(socket.state).toBe('closed');
      expect(events.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
      // Neither the close timeout nor a retry is left: nothing follows however long the clock runs.
      expect(clock.pending).toBe(0);
      const statesAtClosed = events.states.length;
      clock.advance(LONG_AFTER);
      await settle();
      expect(events.states.slice(statesAtClosed)).toEqual([]);
      expect(server.connections).toBe(1);
      expect(events.closes).toHaveLength(1);
    });

    it('while in reconnectWait: closed at once, and no retry when the server returns', async () => {
      const delay = 300;
      const server = await startServer();
      const clock = new TestClock();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { reconnect: { delay }, clock }));
      await waitForState(socket, 'open');
      await server.stop();
      await waitForState(socket, 'reconnectWait');
      expect(events.closes).toHaveLength(1);
      expect(clock.pending).toBeGreaterThan(0); // the retry

      socket.close();

      expect(socket.state).toBe('closed');
      expect(events.closes).toHaveLength(2);
      expect(events.closes[1]).toEqual(userCloseWithoutHandshake);
      expect(clock.pending).toBe(0); // the retry is cancelled
      await server.restart();
      const statesAtClosed = events.states.length;
      clock.advance(LONG_AFTER); // far past the retry delay
      await settle();
      expect(events.states.slice(statesAtClosed)).toEqual([]);
      expect(server.connections).toBe(1);
      expect(events.closes).toHaveLength(2);
    });
  });

  describe('events', () => {
    it('repeated close() calls give one close event', async () => {
      const server = await startServer();
      const clock = new TestClock();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { clock }));
      await waitForState(socket, 'open');

      socket.close();
      socket.close();
      socket.close(4002, 'again');
      await waitForState(socket, 'closed');
      socket.close();

      // No close timeout or retry left to add an event, however long the clock runs.
      expect(clock.pending).toBe(0);
      clock.advance(LONG_AFTER);
      await settle();
      expect(events.closes).toEqual([{ code: 1000, reason: '', wasClean: true }]);
    });

    it('close() inside the close listener adds no event', async () => {
      const server = await startServer();
      const clock = new TestClock();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { clock }));
      await waitForState(socket, 'open');
      socket.addEventListener('close', () => socket.close());

      socket.close();

      await waitForState(socket, 'closed');
      expect(clock.pending).toBe(0);
      const statesAtClosed = events.states.length;
      clock.advance(LONG_AFTER);
      await settle();
      expect(events.states.slice(statesAtClosed)).toEqual([]);
      expect(events.closes).toHaveLength(1);
      expect(server.connections).toBe(1);
    });

    it('close() inside the listener of a server close ends it: one more close event, then nothing', async () => {
      const server = await startServer();
      const clock = new TestClock();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { clock }));
      await waitForState(socket, 'open');
      socket.addEventListener('close', () => socket.close());

      server.closeAll(4001, 'go away');

      await waitForState(socket, 'closed');
      // The retry the server's close scheduled is cancelled: nothing reconnects however long the clock runs.
      expect(clock.pending).toBe(0);
      const statesAtClosed = events.states.length;
      clock.advance(LONG_AFTER);
      await settle();
      expect(events.states.slice(statesAtClosed)).toEqual([]);
      expect(events.closes).toEqual([{ code: 4001, reason: 'go away', wasClean: true }, userCloseWithoutHandshake]);
      expect(server.connections).toBe(1);
    });

    it('is CLOSED, by state and readyState, inside the final close listener', async () => {
      const server = await startServer();
      const { socket } = createSocket(server.url, fastOptions(WebSocket));
      await waitForState(socket, 'open');
      const seen: { state: string; readyState: number }[] = [];
      socket.onclose = () => seen.push({ state: socket.state, readyState: socket.readyState });

      socket.close();

      await waitForState(socket, 'closed');
      expect(seen).toEqual([{ state: 'closed', readyState: socket.CLOSED }]);
    });
  });
});
