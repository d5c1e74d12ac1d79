import WsWebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClock } from '../support/wait.js';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import {
  cleanup,
  countTransitions,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  isPong,
  startServer,
  waitFor,
  waitForState,
} from '../support/client.js';

const INTERVAL = 80;
/** The pong timeout where a missing pong is the point of the test. */
const TIMEOUT = 150;
/** The pong timeout where pongs do come: generous, so that a busy machine cannot fail the test. */
const PATIENT_TIMEOUT = 2000;
const CLOSE_TIMEOUT = 80;
/** Room for a loaded machine; detection itself must take at most interval + timeout + closeTimeout. */
const SLACK = 1500;

describe.each(IMPLEMENTATIONS)('heartbeat (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  const heartbeatOptions = (timeout = TIMEOUT) =>
    fastOptions(WebSocket, {
      heartbeat: { interval: INTERVAL, timeout, isPong },
      closeTimeout: CLOSE_TIMEOUT,
    });

  it('consumes pongs matched by isPong and returns to open after each ping', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(server.url, heartbeatOptions(PATIENT_TIMEOUT));
    await waitForState(socket, 'open');

    await waitFor(() => countTransitions(events.states, 'awaitingPong', 'open') >= 2, 'two answered pings');
    socket.send('hello');

    await waitFor(() => events.messages.length === 1, 'the echo');
    expect(events.messages).toEqual(['hello']);
    expect(server.pings).toBeGreaterThanOrEqual(2);
    expect(events.closes).toEqual([]);
    expect(server.connections).toBe(1);
  });

  it('reports an isPong that throws as an error, and still delivers the message', async () => {
    const server = await startServer();
    const broken = new Error('isPong is broken');
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WebSocket, {
        heartbeat: {
          interval: 60_000,
          isPong: () => {
            throw broken;
          },
        },
      }),
    );
    await waitForState(socket, 'open');
    socket.send('hello');

    await waitFor(() => events.messages.length === 1, 'the echo');
    expect(events.messages).toEqual(['hello']);
    expect(events.errors).toEqual([broken]);
    expect(socket.state).toBe('open');
  });

  it('detects a half-open peer: open → awaitingPong → closing → reconnectWait, then reconnects', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(server.url, heartbeatOptions());
    await waitForState(socket, 'open');
    await waitFor(() => countTransitions(events.states, 'awaitingPong', 'open') >= 1, 'an answered ping');

    server.goSilent();

    await waitForState(socket, 'reconnectWait', INTERVAL + TIMEOUT + CLOSE_TIMEOUT + SLACK);
    expect(events.states.slice(-4)).toEqual(['open', 'awaitingPong', 'closing', 'reconnectWait']);
    // The silent peer never answers the close frame either: still, the app hears why it ended.
    expect(events.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout', wasClean: false }]);
    expect(server.pings).toBeGreaterThanOrEqual(1);

    await waitForState(socket, 'open');
    expect(server.connections).toBe(2);
  });

  it('closes a peer that reads but never replies with 4000 "heartbeat timeout"', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(server.url, heartbeatOptions());
    await waitForState(socket, 'open');
    const pingsBefore = server.pings;

    server.mute();

    await waitForState(socket, 'reconnectWait', INTERVAL + TIMEOUT + CLOSE_TIMEOUT + SLACK);
    expect(events.states.slice(-4)).toEqual(['open', 'awaitingPong', 'closing', 'reconnectWait']);
    expect(server.pings).toBeGreaterThan(pingsBefore);
    expect(events.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout', wasClean: true }]);
    await waitFor(() => server.closes.length === 1, 'the server to see the close');
    expect(server.closes).toEqual([{ code: 4000, reason: 'heartbeat timeout' }]);
  });

  it('counts any message as proof of life: no ping while the peer keeps talking', async () => {
    const server = await startServer({ pingReply: 'pong' });
    const interval = 250;
    const clock = new TestClock();
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WebSocket, { heartbeat: { interval, timeout: PATIENT_TIMEOUT, isPong }, clock }),
    );
    await waitForState(socket, 'open');

    // Talk for longer than the interval, with gaps far shorter than it: each tick arrives, then a
    // tenth of the interval passes on the clock.
    const ticks = 12;
    for (let i = 0; i < ticks; i++) {
      server.broadcast(`tick ${i}`);
      await waitFor(() => events.messages.length === i + 1, `tick ${i}`);
      clock.advance(interval / 10);
    }

    expect(clock.now()).toBeGreaterThan(interval);
    expect(events.messages).toHaveLength(ticks);
    expect(server.pings).toBe(0);
    expect(events.states).not.toContain('awaitingPong');
    // The heartbeat was armed all along: a whole interval of silence, and the ping goes out.
    clock.advance(interval);
    expect(socket.state).toBe('awaitingPong');
  });
});

describe('heartbeat.protocol', () => {
  afterEach(cleanup);

  it('sends protocol ping frames with ws, answered by protocol pongs', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WsWebSocket, { heartbeat: { interval: INTERVAL, timeout: PATIENT_TIMEOUT, protocol: true } }),
    );
    await waitForState(socket, 'open');

    await waitFor(() => countTransitions(events.states, 'awaitingPong', 'open') >= 2, 'two answered pings');

    expect(server.protocolPings).toBeGreaterThanOrEqual(2);
    expect(server.pings).toBe(0);
    expect(events.messages).toEqual([]);
    expect(events.closes).toEqual([]);
  });

  it('is refused at the call with the global WebSocket, which cannot send protocol pings', () => {
    expect(
      () =>
        new HeartSocket('ws://127.0.0.1:9/', [], {
          WebSocket: globalThis.WebSocket,
          heartbeat: { protocol: true },
        }),
    ).toThrow(/options\.heartbeat\.protocol is true, but this WebSocket cannot send protocol pings/);
  });
});
