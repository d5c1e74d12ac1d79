/**
 * Calls made from inside the socket's own handlers take effect before they return, as they do on
 * a WebSocket: `close()` makes `readyState` CLOSING (CLOSED where no handshake is possible) at once
 * and a later `send()` throws `CLOSED`; `reconnect()` makes it CONNECTING and `send()` queues. The
 * events such a call causes come after the listeners of the current event have all run.
 *
 * Each case runs against a real server. What must NOT happen is shown on a `SimulatedClock`
 * (`options.clock`) where a timer would do it (a retry), and by the TCP order of the server's
 * view (a message the server never got before the close frame was never sent).
 */
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartSocketError } from '../../adapters/errors.js';
import type { HeartSocket } from '../../adapters/HeartSocket.js';
import {
  cleanup,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  openSocket,
  RECONNECT_DELAY,
  SEVERAL_DELAYS,
  sleep,
  startServer,
  waitFor,
  waitForState,
} from '../support/client.js';

/** What `call()` threw, or `undefined`. */
function thrownBy(call: () => void): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** What `socket.send(data)` did: `'taken'` (sent or queued), or `'threw CODE'`. */
function sendOutcome(socket: HeartSocket, data: string): string {
  const error = thrownBy(() => socket.send(data));
  if (error === undefined) return 'taken';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever was thrown, as String() shows it
  return error instanceof HeartSocketError ? `threw ${error.code}` : `threw ${String(error)}`;
}

/** What a handler saw right after its own call: `readyState`, `state`, and what a `send()` did. */
interface Seen {
  readyState: number;
  state: string;
  send: string;
}

function look(socket: HeartSocket, data: string): Seen {
  const readyState = socket.readyState;
  const state = socket.state;
  return { readyState, state, send: sendOutcome(socket, data) };
}

/** `close()` on a socket without a handshake to do (connecting, waiting): 1000, not clean. */
const userCloseWithoutHandshake = { code: 1000, reason: '', wasClean: false };

describe.each(IMPLEMENTATIONS)('calls from inside handlers take effect at once (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  describe('close() in onopen', () => {
    it('makes readyState CLOSING before it returns', async () => {
      const server = await startServer();
      const { socket } = createSocket(server.url, fastOptions(WebSocket));
      const seen: { before: number; after: number; state: string }[] = [];
      socket.onopen = () => {
        const before = socket.readyState;
        socket.close();
        seen.push({ before, after: socket.readyState, state: socket.state });
      };

      await waitForState(socket, 'closed');

      expect(seen).toEqual([{ before: socket.OPEN, after: socket.CLOSING, state: 'closing' }]);
    });

    it('makes a following send() throw HeartSocketError CLOSED', async () => {
      const server = await startServer();
      const { socket } = createSocket(server.url, fastOptions(WebSocket));
      const thrown: unknown[] = [];
      socket.onopen = () => {
        socket.close();
        thrown.push(thrownBy(() => socket.send('after close')));
      };

      await waitForState(socket, 'closed');

      expect(thrown).toHaveLength(1);
      expect(thrown[0]).toBeInstanceOf(HeartSocketError);
      expect((thrown[0] as HeartSocketError).code).toBe('CLOSED');
    });

    it('the server gets what was sent before close() and never what was sent after it', async () => {
      const server = await startServer();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket));
      socket.onopen = () => {
        socket.send('before close');
        socket.close(4100, 'done');
        thrownBy(() => socket.send('after close'));
      };

      await waitForState(socket, 'closed');
      // The close frame follows anything sent before it on the same TCP connection: once the
      // server has seen it, whatever it has not received was never sent.
      await waitFor(() => server.closes.length === 1, 'the server to see the close');

      expect(server.received).toEqual(['before close']);
      expect(server.closes).toEqual([{ code: 4100, reason: 'done' }]);
      expect(events.closes).toEqual([{ code: 4100, reason: 'done', wasClean: true }]);
    });
  });

  it('close() in onmessage: CLOSING, and send() throws CLOSED, before it returns', async () => {
    const { server, socket, events } = await openSocket(WebSocket);
    const seen: Seen[] = [];
    socket.onmessage = () => {
      socket.close();
      seen.push(look(socket, 'after close'));
    };

    socket.send('hello');

    await waitForState(socket, 'closed');
    await waitFor(() => server.closes.length === 1, 'the server to see the close');
    expect(seen).toEqual([{ readyState: socket.CLOSING, state: 'closing', send: 'threw CLOSED' }]);
    expect(server.received).toEqual(['hello']);
    expect(events.closes).toEqual([{ code: 1000, reason: '', wasClean: true }]);
  });

  describe('reconnect() in onclose after the server closed the connection (reconnect: false)', () => {
    it('makes readyState CONNECTING before it returns, and send() queues instead of throwing', async () => {
      const server = await startServer();
      const { socket } = createSocket(server.url, fastOptions(WebSocket, { reconnect: false }));
      await waitForState(socket, 'open');
      const seen: Seen[] = [];
      socket.onclose = () => {
        if (seen.length > 0) return;
        socket.reconnect();
        seen.push(look(socket, 'after reconnect'));
      };

      server.closeAll(4001, 'go away');

      await waitFor(() => seen.length === 1, 'the close event');
      expect(seen).toEqual([{ readyState: socket.CONNECTING, state: 'connecting', send: 'taken' }]);
    });

    it('delivers what was sent right after it, first thing on the new connection', async () => {
      const server = await startServer();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { reconnect: false }));
      await waitForState(socket, 'open');
      const outcomes: string[] = [];
      socket.onclose = () => {
        if (outcomes.length > 0) return;
        socket.reconnect();
        outcomes.push(sendOutcome(socket, 'queued in onclose'));
      };

      server.closeAll(4001, 'go away');
      await waitFor(() => events.opens === 2, 'the new connection');
      // Sent after the reopen: on the same TCP connection, it arrives after anything flushed at open.
      socket.send('marker');
      await waitFor(() => server.received.includes('marker'), 'the marker at the server');

      expect(outcomes).toEqual(['taken']);
      expect(server.received).toEqual(['queued in onclose', 'marker']);
      expect(server.connections).toBe(2);
      expect(events.closes).toEqual([{ code: 4001, reason: 'go away', wasClean: true }]);
      expect(events.undelivered).toEqual([]);
    });
  });

  it('close() in a statechange listener (on entering open): CLOSING, and send() throws CLOSED, before it returns', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket));
    const seen: Seen[] = [];
    socket.addEventListener('statechange', (event) => {
      if (event.state !== 'open') return;
      socket.close(4200, 'from statechange');
      seen.push(look(socket, 'after close'));
    });

    await waitForState(socket, 'closed');
    await waitFor(() => server.closes.length === 1, 'the server to see the close');

    expect(seen).toEqual([{ readyState: socket.CLOSING, state: 'closing', send: 'threw CLOSED' }]);
    expect(server.received).toEqual([]);
    expect(server.closes).toEqual([{ code: 4200, reason: 'from statechange' }]);
    expect(events.closes).toEqual([{ code: 4200, reason: 'from statechange', wasClean: true }]);
  });

  it('close() in the first of two open listeners: the second still gets open and sees CLOSING; statechange and close follow', async () => {
    const server = await startServer();
    const { socket } = createSocket(server.url, fastOptions(WebSocket));
    const log: string[] = [];
    socket.addEventListener('statechange', (event) => log.push(`statechange ${event.state}`));
    socket.addEventListener('open', () => {
      log.push('open, first listener');
      socket.close();
    });
    socket.addEventListener('open', () => log.push(`open, second listener, readyState ${socket.readyState}`));
    socket.addEventListener('close', (event) => log.push(`close ${event.code}`));

    await waitForState(socket, 'closed');

    expect(log).toEqual([
      'statechange open',
      'open, first listener',
      `open, second listener, readyState ${socket.CLOSING}`,
      'statechange closing',
      'statechange closed',
      'close 1000',
    ]);
  });

  describe('reconnect() in an undelivered listener (the first attempt refused, reconnect: false)', () => {
    /** A socket whose only attempt is refused with two messages queued; its listener reconnects. */
    async function refusedWithQueue() {
      const server = await startServer();
      server.refuseUpgrades = true;
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { reconnect: false }));
      socket.send('a');
      socket.send('b');
      const seen: Seen[] = [];
      socket.addEventListener('undelivered', (event) => {
        server.refuseUpgrades = false;
        socket.reconnect();
        const readyState = socket.readyState;
        const state = socket.state;
        const outcomes = event.messages.map((data) => sendOutcome(socket, data as string));
        seen.push({ readyState, state, send: outcomes.join(', ') });
      });
      return { server, socket, events, seen };
    }

    it('makes readyState CONNECTING before it returns, and the messages can be sent again', async () => {
      const { seen, socket } = await refusedWithQueue();

      await waitFor(() => seen.length === 1, 'the undelivered event');

      expect(seen).toEqual([{ readyState: socket.CONNECTING, state: 'connecting', send: 'taken, taken' }]);
    });

    it('the messages sent again reach the server, in order, on the new connection', async () => {
      const { server, socket, events } = await refusedWithQueue();

      await waitFor(() => server.received.length === 2, 'both messages at the server');

      expect(server.received).toEqual(['a', 'b']);
      expect(server.connections).toBe(1);
      expect(socket.state).toBe('open');
      expect(events.undelivered.map((report) => report.messages)).toEqual([['a', 'b']]);
    });
  });

  describe('close() in onerror of a refused connection', () => {
    /** A port nothing listens on, a url function that counts the attempts, time on `clock`. */
    async function refused() {
      const server = await startServer();
      await server.stop();
      const clock = new SimulatedClock();
      const url = Object.assign(() => (url.calls++, server.url), { calls: 0 });
      const { socket, events } = createSocket(url, fastOptions(WebSocket, { clock }));
      const seen: { readyState: number; state: string }[] = [];
      socket.onerror = () => {
        socket.close();
        seen.push({ readyState: socket.readyState, state: socket.state });
      };
      await waitFor(() => seen.length > 0, 'the error of the refused connection');
      return { clock, url, socket, events, seen };
    }

    it('makes readyState CLOSED before it returns (no handshake to do)', async () => {
      const { seen, socket } = await refused();

      expect(seen).toEqual([{ readyState: socket.CLOSED, state: 'closed' }]);
    });

    it('ends it: the one close event is the close() and no retry is made', async () => {
      const { clock, url, socket, events } = await refused();
      // The refused socket's own close, if it were still heard, comes from the network.
      await sleep(SEVERAL_DELAYS);

      clock.increment(100 * RECONNECT_DELAY); // any retry would have been made by now

      expect(socket.state).toBe('closed');
      expect(url.calls).toBe(1);
      expect(events.closes).toEqual([userCloseWithoutHandshake]);
      expect(events.errors).toHaveLength(1);
    });
  });

  describe('the same calls from a timer (regression)', () => {
    it('close() in a timer while open: CLOSING, and send() throws CLOSED, before it returns', async () => {
      const { server, socket, events } = await openSocket(WebSocket);
      const seen = await new Promise<Seen>((resolve) =>
        setTimeout(() => {
          socket.close();
          resolve(look(socket, 'after close'));
        }, 0),
      );

      expect(seen).toEqual({ readyState: socket.CLOSING, state: 'closing', send: 'threw CLOSED' });
      await waitForState(socket, 'closed');
      await waitFor(() => server.closes.length === 1, 'the server to see the close');
      expect(server.received).toEqual([]);
      expect(events.closes).toEqual([{ code: 1000, reason: '', wasClean: true }]);
    });

    it('reconnect() in a timer after the final close: CONNECTING, and send() queues; it arrives after the reopen', async () => {
      const { server, socket } = await openSocket(WebSocket);
      socket.close();
      await waitForState(socket, 'closed');
      const seen = await new Promise<Seen>((resolve) =>
        setTimeout(() => {
          socket.reconnect();
          resolve(look(socket, 'after reconnect'));
        }, 0),
      );

      expect(seen).toEqual({ readyState: socket.CONNECTING, state: 'connecting', send: 'taken' });
      await waitFor(() => server.received.length === 1, 'the queued message at the server');
      expect(server.received).toEqual(['after reconnect']);
      expect(server.connections).toBe(2);
    });
  });
});
