import { afterEach, describe, expect, it } from 'vitest';
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
  openSocket,
} from '../support/client.js';

/** The resources a leaked timer or socket shows up as. */
const WATCHED = ['Timeout', 'TCPSocketWrap', 'TCPServerWrap'] as const;
type Counts = Record<(typeof WATCHED)[number], number>;

function countResources(): Counts {
  const counts: Counts = { Timeout: 0, TCPSocketWrap: 0, TCPServerWrap: 0 };
  for (const resource of process.getActiveResourcesInfo()) {
    if (resource in counts) counts[resource as keyof Counts]++;
  }
  return counts;
}

/** What is running now that was not at `before` (only the excess; fewer is fine). */
function excess(before: Counts): Partial<Counts> {
  const now = countResources();
  const extra: Partial<Counts> = {};
  for (const type of WATCHED) if (now[type] > before[type]) extra[type] = now[type] - before[type];
  return extra;
}

/** Sockets close asynchronously: give them a moment, then require nothing extra. */
async function expectNothingLeftSince(before: Counts): Promise<void> {
  await waitFor(() => Object.keys(excess(before)).length === 0, 'timers and sockets to go', 2000).catch(() => {});
  expect(excess(before)).toEqual({});
}

describe.each(IMPLEMENTATIONS)('no timers or sockets left after close() (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  it('after an exchange of messages', async () => {
    const before = countResources();
    const { server, socket, events } = await openSocket(WebSocket);
    socket.send('hello');
    await waitFor(() => events.messages.length === 1, 'the echo');

    socket.close();
    await waitForState(socket, 'closed');
    await server.stop();

    await expectNothingLeftSince(before);
  });

  it('after heartbeats and a reconnect', async () => {
    const before = countResources();
    const server = await startServer({ pingReply: 'pong' });
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WebSocket, { heartbeat: { interval: 50, timeout: 2000, isPong } }),
    );
    await waitFor(() => countTransitions(events.states, 'awaitingPong', 'open') >= 1, 'an answered ping');
    server.terminateAll();
    await waitFor(() => events.opens === 2, 'the reconnect');
    await waitFor(() => countTransitions(events.states, 'awaitingPong', 'open') >= 2, 'another answered ping');

    socket.close();
    await waitForState(socket, 'closed');
    await server.stop();

    await expectNothingLeftSince(before);
  });

  it('in reconnectWait, with the server gone', async () => {
    const before = countResources();
    const server = await startServer();
    const { socket } = createSocket(server.url, fastOptions(WebSocket, { reconnect: { delay: 5000 } }));
    await waitForState(socket, 'open');
    await server.stop();
    await waitForState(socket, 'reconnectWait');

    socket.close();

    expect(socket.state).toBe('closed');
    await expectNothingLeftSince(before);
  });

  it('in closing, after the half-open server is stopped', async () => {
    const before = countResources();
    const server = await startServer({ pingReply: 'pong' });
    const { socket } = createSocket(
      server.url,
      fastOptions(WebSocket, { heartbeat: { interval: 50, timeout: 50, isPong }, closeTimeout: 5000 }),
    );
    await waitForState(socket, 'open');
    server.goSilent();
    await waitForState(socket, 'closing');

    socket.close();
    await server.stop();
    await waitForState(socket, 'closed');

    await expectNothingLeftSince(before);
  });
});
