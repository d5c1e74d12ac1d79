// heartsocket/testing's TestServer, driven against a real HeartSocket on a TestClock: each of its
// behaviours is what the client sees.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { resumable } from '../../adapters/resume/index.js';
import { TestClock, TestServer } from '../../testing/index.js';
import { waitFor } from '../support/wait.js';

const HEARTBEAT = { interval: 3000, timeout: 2000 };
let cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function connected(server: TestServer, options: { reconnect?: { delay: number } } = {}) {
  const url = await server.start();
  const clock = new TestClock();
  const socket = new HeartSocket(url, [], { WebSocket, clock, heartbeat: HEARTBEAT, reconnect: { delay: 4000, ...options.reconnect } });
  const closes: number[] = [];
  socket.addEventListener('close', (event) => void closes.push(event.code));
  cleanup.push(async () => {
    socket.close();
    await server.stop();
  });
  await waitFor(() => socket.state === 'open', () => `open, is ${socket.state}`);
  return { socket, clock, closes };
}

describe('TestServer', () => {
  it('accepts at once by default, records the messages and answers the heartbeat', async () => {
    const server = new TestServer();
    const { socket, clock } = await connected(server);
    socket.send('hello');
    clock.advance(HEARTBEAT.interval);
    expect(socket.state).toBe('awaitingPong');
    await waitFor(() => socket.state === 'open', () => `the pong, is ${socket.state}`);
    expect(server.received).toEqual(['hello']);
    expect(server.pingsReceived).toBe(1);
    expect(server.accepted).toBe(1);
  });

  it('send(): the client receives it; ping() needs exactly one connection', async () => {
    const server = new TestServer();
    const { socket } = await connected(server);
    const messages: string[] = [];
    socket.addEventListener('message', (event) => void messages.push(String(event.data)));
    server.send('news');
    await server.ping();
    expect(messages).toEqual(['news']);
    server.drop();
    await server.whenNoConnections();
    await expect(server.ping()).rejects.toThrow('TestServer.ping(): expected one open connection, found 0');
  });

  it('ignores pings when told: the pong timeout runs out', async () => {
    const server = new TestServer({ pings: 'ignore' });
    const { socket, clock } = await connected(server);
    clock.advance(HEARTBEAT.interval);
    await waitFor(() => server.pingsReceived === 1, 'the ping');
    clock.advance(HEARTBEAT.timeout);
    clock.runDue();
    await waitFor(() => socket.state !== 'awaitingPong', () => `no longer awaiting, is ${socket.state}`);
    expect(['closing', 'reconnectWait']).toContain(socket.state);
  });

  it('holds upgrades for accept() and refuse()', async () => {
    const server = new TestServer({ upgrades: 'hold' });
    const url = await server.start();
    const clock = new TestClock();
    const socket = new HeartSocket(url, [], { WebSocket, clock, reconnect: { delay: 4000 } });
    cleanup.push(async () => {
      socket.close();
      await server.stop();
    });
    await waitFor(() => server.waiting === 1, 'the upgrade request');
    expect(socket.state).toBe('connecting');
    server.refuse();
    await waitFor(() => socket.state === 'reconnectWait', () => `reconnectWait, is ${socket.state}`);
    clock.advance(4000);
    await waitFor(() => server.waiting === 1, 'the retry');
    await server.accept();
    await waitFor(() => socket.state === 'open', () => `open, is ${socket.state}`);
    expect(server.accepted).toBe(1);
    expect(server.requests).toEqual(['/', '/']);
  });

  it('silence(): half-open, the heartbeat finds out; wake() lets it read again', async () => {
    const server = new TestServer();
    const { socket, clock } = await connected(server);
    server.silence();
    socket.send('unread');
    clock.advance(HEARTBEAT.interval);
    clock.advance(HEARTBEAT.timeout);
    clock.runDue();
    await waitFor(() => socket.state === 'closing' || socket.state === 'reconnectWait', () => `given up on the peer, is ${socket.state}`);
    expect(server.received).toEqual([]);
    expect(server.connections).toBe(1);
    server.wake();
    await waitFor(() => server.received.includes('unread'), 'the message read after the silence');
  });

  it('drop(): the client sees 1006; close(code): the client sees the code', async () => {
    const server = new TestServer();
    const { socket, closes } = await connected(server);
    server.drop();
    await waitFor(() => closes.length === 1, 'the close');
    expect(closes).toEqual([1006]);
    expect(socket.state).toBe('reconnectWait');
    socket.reconnect();
    await waitFor(() => socket.state === 'open', () => `open again, is ${socket.state}`);
    server.close(4001, 'bye');
    await waitFor(() => closes.length === 2, 'the second close');
    expect(closes[1]).toBe(4001);
  });

  it('restart(): the same port, a fresh listener; the client connects again', async () => {
    const server = new TestServer();
    const { socket } = await connected(server);
    const url = server.url;
    await server.restart();
    expect(server.url).toBe(url);
    await waitFor(() => socket.state === 'reconnectWait', () => `reconnectWait, is ${socket.state}`);
    socket.reconnect();
    await waitFor(() => socket.state === 'open', () => `open after the restart, is ${socket.state}`);
    expect(server.accepted).toBe(2);
  });
});

it('TestServer: start() after stop() listens again, on the same port', async () => {
  const server = new TestServer();
  const url = await server.start();
  await server.stop();
  expect(await server.start()).toBe(url);
  const socket = new HeartSocket(url, [], { WebSocket, clock: new TestClock() });
  cleanup.push(async () => {
    socket.close();
    await server.stop();
  });
  await waitFor(() => socket.state === 'open', () => `open, is ${socket.state}`);
  expect(server.accepted).toBe(1);
});

describe('TestServer keeps sessions (a client with resume on)', () => {
  async function resuming(server: TestServer) {
    const url = await server.start();
    const clock = new TestClock();
    const socket = new HeartSocket(url, [], { WebSocket, clock, heartbeat: HEARTBEAT, reconnect: { delay: 4000 }, resume: resumable({ timeout: 1500 }) });
    const resumes: { resumed: boolean; reason: string | null }[] = [];
    const messages: string[] = [];
    socket.addEventListener('resume', ({ resumed, reason }) => void resumes.push({ resumed, reason }));
    socket.addEventListener('message', (event) => void messages.push(String(event.data)));
    cleanup.push(async () => {
      socket.close();
      await server.stop();
    });
    return { socket, clock, resumes, messages };
  }

  it("'on': a new session to start, resumed to resume (what the server missed sent again), unknown after a restart", async () => {
    const server = new TestServer({ sessions: 'on' });
    const { socket, clock, resumes, messages } = await resuming(server);
    await waitFor(() => socket.state === 'open', () => `open, is ${socket.state}`);
    expect(resumes).toEqual([{ resumed: false, reason: null }]);
    socket.send('one');
    server.send('news');
    await waitFor(() => server.received.length === 1 && messages.length === 1, 'a message each way');
    // Written into a half-open link, then the link is cut: the client sends it again on resume.
    server.silence();
    socket.send('two');
    server.drop();
    await waitFor(() => socket.state === 'reconnectWait', () => `reconnectWait, is ${socket.state}`);
    clock.advance(4000);
    await waitFor(() => resumes.length === 2 && server.received.length === 2, () => `resumed, ${JSON.stringify(resumes)}`);
    expect(resumes[1]).toEqual({ resumed: true, reason: null });
    expect(server.received).toEqual(['one', 'two']);
    expect(server.handshakes[0]).toBe('\u0010start 1');
    expect(server.handshakes[1]!.startsWith('\u0010')).toBe(true);
    expect(server.handshakes[1]!.slice(1)).toMatch(/^resume 1 [\w-]{22} 1$/);
    await server.restart();
    await waitFor(() => socket.state === 'reconnectWait', () => `reconnectWait, is ${socket.state}`);
    clock.advance(4000);
    await waitFor(() => resumes.length === 3, 'the third handshake');
    expect(resumes[2]).toEqual({ resumed: false, reason: 'unknown' });
    expect(messages).toEqual(['news']);
  });

  it("'off': no hello for a flagged client, whose handshake runs out as unsupported; no control frame recorded", async () => {
    const server = new TestServer();
    const { socket, clock, resumes } = await resuming(server);
    await waitFor(() => server.connections === 1, 'the connection');
    expect(server.requests).toEqual(['/?heartsocket-session=1']);
    expect(socket.state).toBe('connecting');
    clock.advance(1500);
    await waitFor(() => socket.state === 'open', () => `open, is ${socket.state}`);
    expect(resumes).toEqual([{ resumed: false, reason: 'unsupported' }]);
    socket.send('plain');
    await waitFor(() => server.received.length === 1, 'the message');
    expect(server.received).toEqual(['plain']);
    expect(server.handshakes).toEqual([]);
  });

  it("'hold': hello() and answerHandshake() are the test's; hello() needs a flagged connection", async () => {
    const plain = new TestServer({ sessions: 'hold' });
    const url = await plain.start();
    const socket = new HeartSocket(url, [], { WebSocket, clock: new TestClock() });
    cleanup.push(async () => {
      socket.close();
      await plain.stop();
    });
    await waitFor(() => socket.state === 'open', () => `open, is ${socket.state}`);
    expect(() => plain.hello()).toThrow('TestServer.hello(): the connection is plain (no session flag, or a first frame sent)');
    await expect(plain.answerHandshake()).rejects.toThrow('TestServer.answerHandshake(): no hello was said on the connection');

    const server = new TestServer({ sessions: 'hold' });
    const { socket: resumer, resumes } = await resuming(server);
    await waitFor(() => server.connections === 1, 'the connection');
    server.hello();
    await server.answerHandshake();
    await waitFor(() => resumer.state === 'open', () => `open, is ${resumer.state}`);
    expect(resumes).toEqual([{ resumed: false, reason: null }]);
  });
});
