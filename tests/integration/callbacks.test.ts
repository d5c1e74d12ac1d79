/**
 * No function passed in the options can stop or wedge the machine. A throw is reported as an
 * `error` event whose `error` is the thrown value, a stand-in answer is used, and the connection
 * goes on: the actor's status stays `active` throughout.
 *
 * Each case runs against a real server. Timing is on a `SimulatedClock` (`options.clock`) where a
 * case needs a timer to fire (a ping, a pong timeout, a retry) or needs one NOT to fire.
 */
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { createSocketActor } from '../../adapters/createSocketActor.js';
import { HeartSocket, type HeartSocketOptions } from '../../adapters/HeartSocket.js';
import type { ProtocolsSource } from '../../adapters/protocols.js';
import { stateNameOf } from '../../machine/stateName.js';
import {
  cleanup,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  onCleanup,
  RECONNECT_DELAY,
  record,
  startServer,
  waitFor,
  waitForState,
} from '../support/client.js';

/** The status of the actor behind a socket: `'active'` while it runs (not XState's `'error'` or `'done'`). */
const statusOf = (socket: HeartSocket): string => socket.actor.getSnapshot().status;

/** `createSocket()` with subprotocols: a recorded HeartSocket, stopped on cleanup. */
function createSocketWithProtocols(url: string, protocols: ProtocolsSource, options: HeartSocketOptions) {
  const socket = new HeartSocket(url, protocols, options);
  onCleanup(() => socket.actor.stop());
  return { socket, events: record(socket) };
}

/** Sends `data` and resolves once the socket has received its echo. */
async function echoes(socket: HeartSocket, messages: readonly unknown[], data: string): Promise<void> {
  socket.send(data);
  await waitFor(() => messages.includes(data), `the echo of ${JSON.stringify(data)}`);
}

/** A function that throws `thrown` on its first `failures` calls, then answers `answer()`. */
function failing<T>(failures: number, thrown: unknown, answer: () => T) {
  const fn = Object.assign(
    (): T => {
      fn.calls++;
      if (fn.calls <= failures) throw thrown;
      return answer();
    },
    { calls: 0 },
  );
  return fn;
}

describe.each(IMPLEMENTATIONS)('a user callback that throws (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  describe('reconnect.shouldReconnect', () => {
    const thrown = new Error('shouldReconnect broke');
    const shouldReconnect = (): boolean => {
      throw thrown;
    };

    it('is reported as an error event whose error is the thrown value', async () => {
      const server = await startServer();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { reconnect: { shouldReconnect } }));
      await waitForState(socket, 'open');
      const onerror: unknown[] = [];
      socket.onerror = (event) => onerror.push(event.error);

      server.closeAll(4001, 'bye');

      await waitFor(() => events.errors.length > 0, 'the error event');
      expect(events.errors).toHaveLength(1);
      expect(events.errors[0]).toBe(thrown);
      expect(onerror).toEqual([thrown]);
      expect(statusOf(socket)).toBe('active');
    });

    it('counts as "no": the socket ends in closed with exactly one close event, and never retries', async () => {
      const clock = new SimulatedClock();
      const server = await startServer();
      const { socket, events } = createSocket(
        server.url,
        fastOptions(WebSocket, { clock, reconnect: { delay: RECONNECT_DELAY, shouldReconnect } }),
      );
      await waitForState(socket, 'open');

      server.closeAll(4001, 'bye');
      await waitForState(socket, 'closed');
      clock.increment(100 * RECONNECT_DELAY); // a retry, had one been scheduled, is due by now

      expect(socket.state).toBe('closed');
      expect(socket.readyState).toBe(socket.CLOSED);
      expect(events.closes).toEqual([{ code: 4001, reason: 'bye', wasClean: true }]);
      expect(server.connections).toBe(1);
      expect(statusOf(socket)).toBe('active');
    });

    it('counts as "no": the queued messages are reported as undelivered', async () => {
      const server = await startServer();
      server.refuseUpgrades = true;
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { reconnect: { shouldReconnect } }));
      socket.send('a');
      socket.send('b');

      await waitForState(socket, 'closed');
      await waitFor(() => events.undelivered.length > 0, 'the undelivered event');

      expect(events.undelivered.map((report) => report.messages)).toEqual([['a', 'b']]);
      expect(events.undelivered[0]!.error.code).toBe('UNDELIVERED');
      expect(events.closes).toHaveLength(1);
      expect(events.errors).toContain(thrown);
      expect(statusOf(socket)).toBe('active');
    });

    it('leaves the socket usable: reconnect() after it opens a working connection', async () => {
      const server = await startServer();
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { reconnect: { shouldReconnect } }));
      await waitForState(socket, 'open');
      server.closeAll(4001, 'bye');
      await waitForState(socket, 'closed');

      socket.reconnect();

      await waitForState(socket, 'open');
      await echoes(socket, events.messages, 'still here');
      expect(server.connections).toBe(2);
      expect(statusOf(socket)).toBe('active');
    });
  });

  describe('inspect', () => {
    it('that throws on every event: only its first throw is reported, as an error event with the thrown value', async () => {
      const server = await startServer();
      const thrown = new Error('inspector broke');
      let armed = false;
      let calls = 0;
      const inspect = (): void => {
        if (!armed) return;
        calls++;
        throw thrown;
      };
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { inspect }));
      // Armed once the constructor has returned: every inspection event from here on throws, where a
      // listener can hear the report.
      armed = true;

      await waitForState(socket, 'open');
      await echoes(socket, events.messages, 'hello');

      expect(calls).toBeGreaterThan(1);
      expect(events.errors).toEqual([thrown]);
      expect(statusOf(socket)).toBe('active');
    });

    it('that throws once never affects the connection: it opens, echoes and closes cleanly', async () => {
      const server = await startServer();
      let armed = false;
      let throws = 0;
      const inspect = (): void => {
        if (!armed || throws > 0) return;
        throws++;
        throw new Error('inspector broke once');
      };
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { inspect }));
      armed = true;

      await waitForState(socket, 'open');
      await echoes(socket, events.messages, 'hello');
      socket.close();
      await waitForState(socket, 'closed');

      expect(throws).toBe(1);
      expect(events.closes).toEqual([{ code: 1000, reason: '', wasClean: true }]);
      expect(statusOf(socket)).toBe('active');
    });
  });

  it('heartbeat.isPong: an error event with the thrown value, and the message is still delivered', async () => {
    const server = await startServer();
    const thrown = new Error('isPong broke');
    const isPong = (): boolean => {
      throw thrown;
    };
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { heartbeat: { interval: 60_000, isPong } }));
    await waitForState(socket, 'open');

    await echoes(socket, events.messages, 'hello');

    expect(events.messages).toEqual(['hello']);
    expect(events.errors).toEqual([thrown]);
    expect(statusOf(socket)).toBe('active');
  });

  describe('heartbeat.message as a function', () => {
    const INTERVAL = 100;
    const TIMEOUT = 50;
    const thrown = new Error('message() broke');

    /** A socket open to a healthy server, its heartbeat on `clock`, its ping message throwing. */
    async function openWithBrokenPing() {
      const clock = new SimulatedClock();
      const server = await startServer();
      const message = (): string => {
        throw thrown;
      };
      const { socket, events } = createSocket(
        server.url,
        fastOptions(WebSocket, { clock, heartbeat: { interval: INTERVAL, timeout: TIMEOUT, message } }),
      );
      await waitForState(socket, 'open');
      return { clock, server, socket, events };
    }

    it('that throws is reported as an error event with the thrown value when the ping is due', async () => {
      const { clock, server, socket, events } = await openWithBrokenPing();

      clock.increment(INTERVAL);

      expect(socket.state).toBe('awaitingPong');
      expect(events.errors).toEqual([thrown]);
      expect(server.pings).toBe(0);
      expect(statusOf(socket)).toBe('active');
    });

    it('that throws: the pong timeout then closes the socket with 4000 heartbeat timeout, and it reconnects', async () => {
      const { clock, server, socket, events } = await openWithBrokenPing();
      clock.increment(INTERVAL);

      clock.increment(TIMEOUT); // no pong can come: nothing was sent

      expect(socket.state).toBe('closing');
      await waitForState(socket, 'reconnectWait');
      expect(events.closes.map(({ code, reason }) => ({ code, reason }))).toEqual([{ code: 4000, reason: 'heartbeat timeout' }]);
      await waitFor(() => server.closes.length === 1, 'the server to see the close');
      expect(server.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout' }]);
      clock.increment(RECONNECT_DELAY);
      await waitForState(socket, 'open');
      expect(server.connections).toBe(2);
      expect(statusOf(socket)).toBe('active');
    });
  });

  describe('url function', () => {
    const urlFailed = { code: 1006, reason: 'url() failed', wasClean: false };

    it('that throws: an error event with the thrown value, a failed attempt, and a retry that connects', async () => {
      const clock = new SimulatedClock();
      const server = await startServer();
      const thrown = new Error('no token');
      const url = failing(1, thrown, () => server.url);
      const { socket, events } = createSocket(url, fastOptions(WebSocket, { clock }));

      await waitForState(socket, 'reconnectWait');
      expect(events.errors).toEqual([thrown]);
      expect(events.closes).toEqual([urlFailed]);
      clock.increment(RECONNECT_DELAY);
      await waitForState(socket, 'open');

      expect(url.calls).toBe(2);
      expect(server.connections).toBe(1);
      expect(statusOf(socket)).toBe('active');
    });

    it('that rejects: an error event with the rejection, a failed attempt, and a retry that connects', async () => {
      const clock = new SimulatedClock();
      const server = await startServer();
      const rejection = new Error('token service down');
      let calls = 0;
      const url = (): Promise<string> => (++calls === 1 ? Promise.reject(rejection) : Promise.resolve(server.url));
      const { socket, events } = createSocket(url, fastOptions(WebSocket, { clock }));

      await waitForState(socket, 'reconnectWait');
      expect(events.errors).toEqual([rejection]);
      expect(events.closes).toEqual([urlFailed]);
      clock.increment(RECONNECT_DELAY);
      await waitForState(socket, 'open');

      expect(calls).toBe(2);
      expect(server.connections).toBe(1);
      expect(statusOf(socket)).toBe('active');
    });
  });

  describe('protocols function (the second constructor argument)', () => {
    const protocolsFailed = { code: 1006, reason: 'protocols() failed', wasClean: false };

    it('that throws: an error event with the thrown value, a failed attempt, and a retry that connects', async () => {
      const clock = new SimulatedClock();
      const server = await startServer();
      const thrown = new Error('no subprotocol yet');
      const protocols = failing(1, thrown, () => ['chat.v1']);
      const { socket, events } = createSocketWithProtocols(server.url, protocols, fastOptions(WebSocket, { clock }));

      await waitForState(socket, 'reconnectWait');
      expect(events.errors).toEqual([thrown]);
      expect(events.closes).toEqual([protocolsFailed]);
      clock.increment(RECONNECT_DELAY);
      await waitForState(socket, 'open');

      expect(protocols.calls).toBe(2);
      expect(server.connections).toBe(1);
      expect(socket.protocol).toBe('chat.v1');
      expect(statusOf(socket)).toBe('active');
    });

    it('that rejects: an error event with the rejection, a failed attempt, and a retry that connects', async () => {
      const clock = new SimulatedClock();
      const server = await startServer();
      const rejection = new Error('subprotocol service down');
      let calls = 0;
      const protocols = (): Promise<string[]> => (++calls === 1 ? Promise.reject(rejection) : Promise.resolve(['chat.v1']));
      const { socket, events } = createSocketWithProtocols(server.url, protocols, fastOptions(WebSocket, { clock }));

      await waitForState(socket, 'reconnectWait');
      expect(events.errors).toEqual([rejection]);
      expect(events.closes).toEqual([protocolsFailed]);
      clock.increment(RECONNECT_DELAY);
      await waitForState(socket, 'open');

      expect(calls).toBe(2);
      expect(socket.protocol).toBe('chat.v1');
      expect(statusOf(socket)).toBe('active');
    });
  });

  describe('clock', () => {
    it('whose now() throws: error events with the thrown value; the connection opens and works on real time', async () => {
      const server = await startServer();
      const thrown = new Error('now() broke');
      const clock = new SimulatedClock();
      clock.now = () => {
        throw thrown;
      };
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { clock }));

      await waitForState(socket, 'open');
      await echoes(socket, events.messages, 'hello');

      expect(events.errors.length).toBeGreaterThan(0);
      expect(events.errors.every((error) => error === thrown)).toBe(true);
      expect(statusOf(socket)).toBe('active');
    });

    it('whose setTimeout() throws: error events with the thrown value; it opens, works, and its retry runs on real time', async () => {
      const server = await startServer();
      const thrown = new Error('setTimeout() broke');
      const clock = new SimulatedClock();
      clock.setTimeout = () => {
        throw thrown;
      };
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { clock }));

      await waitForState(socket, 'open');
      await echoes(socket, events.messages, 'hello');
      server.terminateAll();
      await waitForState(socket, 'reconnectWait');
      // The retry timer could not be set on the clock: the real one stands in.
      await waitForState(socket, 'open');

      expect(server.connections).toBe(2);
      expect(events.errors.length).toBeGreaterThan(0);
      expect(events.errors.every((error) => error === thrown)).toBe(true);
      expect(statusOf(socket)).toBe('active');
    });
  });
});

describe.each(IMPLEMENTATIONS)('reconnect.delay as a function (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  /** A socket whose server refuses every upgrade, on a simulated clock: each attempt fails, then waits. */
  async function failingSocket(delay: (retry: number) => number) {
    const clock = new SimulatedClock();
    const server = await startServer();
    server.refuseUpgrades = true;
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { clock, reconnect: { delay, minUptime: 60_000 } }));
    return { clock, server, socket, events };
  }

  it('waits what it answers for each retry: not a millisecond less', async () => {
    const calls: number[] = [];
    const { clock, server, socket } = await failingSocket((retry) => (calls.push(retry), retry === 1 ? 500 : 2000));
    await waitForState(socket, 'reconnectWait');
    clock.increment(499);
    expect(socket.state).toBe('reconnectWait');
    clock.increment(1);
    await waitFor(() => server.connections === 2 || socket.retryCount === 2, 'the first retry');
    await waitForState(socket, 'reconnectWait');
    clock.increment(1999);
    expect(socket.state).toBe('reconnectWait');
    expect(calls).toEqual([1, 2]);
    expect(statusOf(socket)).toBe('active');
  });

  it.each([
    ['throws', () => { throw new Error('delay broke'); }, /delay broke/],
    ['answers NaN', () => NaN, /options\.reconnect\.delay must be a function returning milliseconds from 0 to 2147483647, got NaN/],
    ['answers a string', () => '1000' as unknown as number, /options\.reconnect\.delay .* got "1000"/],
  ])('that %s is reported as an error, and the default delay (4000 ms) stands in', async (_case, delay, message) => {
    const { clock, socket, events } = await failingSocket(delay);
    await waitForState(socket, 'reconnectWait');
    // Among the errors of the refused upgrade: the delay's own, once.
    await waitFor(() => events.errors.some((error) => message.test(String(error))), 'the error event of reconnect.delay');
    expect(events.errors.filter((error) => message.test(String(error)))).toHaveLength(1);
    clock.increment(3999);
    expect(socket.state).toBe('reconnectWait');
    clock.increment(1);
    await waitFor(() => socket.retryCount === 2 || socket.state === 'connecting', 'the retry after 4000 ms');
    expect(statusOf(socket)).toBe('active');
  });
});

describe.each(IMPLEMENTATIONS)('createSocketActor with a throwing shouldReconnect (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  it("actor.on('error') gets the thrown value, the actor ends in closed and stays active", async () => {
    const server = await startServer();
    const thrown = new Error('shouldReconnect broke');
    const actor = createSocketActor(server.url, {
      ...fastOptions(WebSocket, {
        reconnect: {
          shouldReconnect: () => {
            throw thrown;
          },
        },
      }),
    });
    onCleanup(() => actor.stop());
    const errors: unknown[] = [];
    const closes: number[] = [];
    actor.on('error', (event) => errors.push(event.error));
    actor.on('close', (event) => closes.push(event.code));
    const state = () => stateNameOf(actor.getSnapshot());
    await waitFor(() => state() === 'open', 'open');

    server.closeAll(4001, 'bye');

    await waitFor(() => state() === 'closed', () => `closed; still ${state()}`);
    expect(errors).toEqual([thrown]);
    expect(closes).toEqual([4001]);
    expect(actor.getSnapshot().status).toBe('active');
  });
});
