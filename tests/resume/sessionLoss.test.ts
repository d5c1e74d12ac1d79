import { afterEach, expect, it } from 'vitest';
import { resumable } from '../../adapters/resume/index.js';
import { cleanup } from '../support/client.js';
import { waitFor } from '../support/wait.js';
import { CAMPAIGN_CLIENT_OPTIONS, numberOf, startWorld, stopWorld, stream, StreamServer, type World } from './streams.js';

// When the session cannot be kept — the server restarted, the session expired — the client must be
// told (a `resume` event with `resumed: false` and why), and whatever of its messages is in doubt
// handed back: never a gap the app does not hear of.

afterEach(cleanup);

interface Told {
  resumes: string[];
  handedBack: number[];
  codes: string[];
}

function listen(world: World): Told {
  const told: Told = { resumes: [], handedBack: [], codes: [] };
  const { socket } = world.client;
  socket.addEventListener('resume', (event) => told.resumes.push(event.resumed ? 'resumed' : `not (${event.reason})`));
  socket.addEventListener('undelivered', (event) => {
    told.codes.push((event.error).code);
    told.handedBack.push(...event.messages.map((data) => numberOf(data, 'c')));
  });
  return told;
}

/** Each of the client's messages 1…sent reached a server's app or was handed back; none reached one twice. */
function expectNoSilentLoss(sent: number, reachedServers: number[][], handedBack: number[]): void {
  const reached = reachedServers.flat();
  expect(new Set(reached).size).toBe(reached.length);
  const accounted = new Set([...reached, ...handedBack]);
  const missing = Array.from({ length: sent }, (_, i) => i + 1).filter((n) => !accounted.has(n));
  expect(missing).toEqual([]);
}

it('a server restart: the client hears resumed: false (unknown), gets its messages in doubt back, and the new session is whole', async () => {
  const world = await startWorld({ ...CAMPAIGN_CLIENT_OPTIONS, resume: resumable() }, {});
  const told = listen(world);
  const { client, proxy } = world;
  try {
    await waitFor(() => client.socket.state === 'open', 'the first open');
    await stream(world, 60);
    const before = world.server;
    // The server process goes away (every socket dropped, every session with it) and comes back on its port.
    await before.stop();
    await stream(world, 20, { serverToo: false }); // the client keeps sending meanwhile
    const after = new StreamServer({});
    await after.start(before.port);
    world.server = after;
    await waitFor(() => told.resumes.length === 2, () => `the resume after the restart (told ${told.resumes.join(', ')})`, 5000);
    expect(told.resumes).toEqual(['not (null)', 'not (unknown)']);
    await stream(world, 40);
    await waitFor(
      () => after.received.length > 0 && after.received.at(-1) === client.sent && client.received.at(-1) === after.sent,
      'the new session to carry the last messages each way',
    );
    // The client's messages: in the old server, handed back (in doubt), or in the new session.
    expect(told.codes.every((code) => code === 'RESUME_FAILED')).toBe(true);
    expectNoSilentLoss(client.sent, [before.received, after.received], told.handedBack);
    // The new session's messages arrive whole and in order, after the old session's.
    const firstOfNew = client.received.length - after.sent;
    expect(client.received.slice(firstOfNew)).toEqual(Array.from({ length: after.sent }, (_, i) => i + 1));
    expect(client.received.slice(0, firstOfNew)).toEqual(Array.from({ length: firstOfNew }, (_, i) => i + 1));
    expect(proxy.openConnections).toBe(1);
  } finally {
    await stopWorld(world);
  }
}, 20_000);

it('an expired session: the client away longer than ttl hears resumed: false (unknown); the server app heard "expired"', async () => {
  const world = await startWorld({ ...CAMPAIGN_CLIENT_OPTIONS, resume: resumable() }, { ttl: 100 });
  const told = listen(world);
  const { client, server } = world;
  try {
    await waitFor(() => client.socket.state === 'open', 'the first open');
    await stream(world, 40);
    client.socket.close();
    await waitFor(() => server.sessionEnds.includes('expired'), 'the server to expire the session', 5000);
    client.socket.reconnect();
    await waitFor(() => told.resumes.length === 2, () => `the resume after the expiry (told ${told.resumes.join(', ')})`, 5000);
    expect(told.resumes).toEqual(['not (null)', 'not (unknown)']);
    await stream(world, 40);
    await waitFor(() => server.received.at(-1) === client.sent, 'the last client message in the new session');
    expectNoSilentLoss(client.sent, [server.received], told.handedBack);
  } finally {
    await stopWorld(world);
  }
}, 20_000);
