// heartsocket/resume against a real scripted protocol peer (tests/support/sessionPeer.ts) on
// 127.0.0.1: new session, resume with re-sends both ways (exactly once, in order), unsupported by
// first frame and by silence, failed resume (RESUME_FAILED), escaping, acks on the heartbeat, the bound.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resumable } from '../../adapters/resume/index.js';
import { createSocketActor } from '../../adapters/createSocketActor.js';
import { cleanup, createSocket, fastOptions, onCleanup, waitFor, waitForState } from '../support/client.js';
import { SessionPeer } from '../support/resumePeer.js';
import type { HeartSocketOptions } from '../../adapters/HeartSocket.js';

const DLE = '\u0010';

async function startPeer(): Promise<SessionPeer> {
  const peer = await SessionPeer.start();
  onCleanup(() => peer.stop());
  return peer;
}

function resumingSocket(peer: SessionPeer, overrides: HeartSocketOptions = {}) {
  const made = createSocket(peer.url, fastOptions(WebSocket, { resume: resumable({ timeout: 300 }), ...overrides }));
  const opens: boolean[] = [];
  const resumes: { resumed: boolean; reason: string | null; sessionId: string | null }[] = [];
  made.socket.addEventListener('open', (event) => opens.push((event).resumed));
  made.socket.addEventListener('resume', (event) => {
    const { resumed, reason, sessionId } = event;
    resumes.push({ resumed, reason, sessionId });
  });
  return { ...made, opens, resumes };
}

describe('resumable sessions against a protocol peer', () => {
  afterEach(cleanup);

  it('begins a new session: the flag in the query (hash and query kept), start, open with resumed: false', async () => {
    const peer = await startPeer();
    const { socket, opens, resumes } = resumingSocket(peer, {});
    await waitForState(socket, 'open');
    expect(peer.requests).toEqual(['/feed?heartsocket-session=1']);
    expect(peer.frames[0]).toBe(`${DLE}start 1`);
    expect(opens).toEqual([false]);
    expect(resumes).toEqual([{ resumed: false, reason: null, sessionId: 's1' }]);
    expect(socket.session).toMatchObject({ id: 's1', sent: 0, received: 0 });
  });

  it('resumes after a cut link: unacknowledged messages re-sent both ways, each delivered exactly once, in order', async () => {
    const peer = await startPeer();
    const { socket, events, opens, resumes } = resumingSocket(peer);
    await waitForState(socket, 'open');
    const session = peer.latest;
    socket.send('a');
    socket.send('b');
    peer.send(session, 'x');
    await waitFor(() => session.received.length === 2 && events.messages.length === 1, 'a, b and x');
    // The link is cut before any ack: both sides keep what they sent.
    peer.cut();
    await waitForState(socket, 'reconnectWait');
    socket.send('c'); // only queued: enters the session when written
    peer.send(session, 'y'); // sent while the client is away
    await waitFor(() => opens.length === 2, 'the second open');
    await waitFor(() => session.received.length === 3 && events.messages.length === 2, 'c and y');
    expect(peer.frames.filter((frame) => frame.startsWith(`${DLE}resume`))).toEqual([`${DLE}resume 1 s1 1`]);
    expect(opens).toEqual([false, true]);
    expect(resumes.at(-1)).toEqual({ resumed: true, reason: null, sessionId: 's1' });
    expect(session.received).toEqual(['a', 'b', 'c']);
    expect(events.messages).toEqual(['x', 'y']);
  });

  it('re-sends the messages the server had not received, and not the ones it had', async () => {
    const peer = await startPeer();
    const { socket } = resumingSocket(peer);
    await waitForState(socket, 'open');
    const session = peer.latest;
    socket.send('a');
    await waitFor(() => session.received.length === 1, 'a');
    // The server loses 'b' with the link: it must come again, 'a' must not.
    peer.cut();
    socket.send('b');
    await waitForState(socket, 'reconnectWait');
    await waitForState(socket, 'open');
    await waitFor(() => session.received.length === 2, 'b');
    expect(session.received).toEqual(['a', 'b']);
  });

  it('a plain server (first frame not hello): unsupported, open as plain, the frame delivered right after open', async () => {
    const peer = await startPeer();
    peer.mode = 'plain';
    const { socket, events, opens, resumes } = resumingSocket(peer);
    const order: string[] = [];
    socket.addEventListener('open', () => order.push('open'));
    socket.addEventListener('message', (event) => order.push(String(event.data)));
    await waitFor(() => events.messages.length === 1, 'the greeting');
    expect(order).toEqual(['open', 'welcome']);
    expect(opens).toEqual([false]);
    expect(resumes).toEqual([{ resumed: false, reason: 'unsupported', sessionId: null }]);
    socket.send(`${DLE}not escaped on a plain connection`);
    await waitFor(() => peer.frames.length === 1, 'the message');
    expect(peer.frames).toEqual([`${DLE}not escaped on a plain connection`]);
  });

  it('a silent server: unsupported after the timeout, open as plain', async () => {
    const peer = await startPeer();
    peer.mode = 'silent';
    const { socket, resumes } = resumingSocket(peer);
    await waitForState(socket, 'open');
    expect(resumes).toEqual([{ resumed: false, reason: 'unsupported', sessionId: null }]);
  });

  it('hello without an answer: closed with 4002, and the policy reconnects', async () => {
    const peer = await startPeer();
    peer.mode = 'noAnswer';
    const { socket, events } = resumingSocket(peer);
    await waitFor(() => events.closes.length >= 1, 'a close');
    expect(events.closes[0]).toMatchObject({ code: 4002, reason: 'session handshake timeout' });
    expect(events.opens).toBe(0);
    peer.mode = 'session';
    await waitForState(socket, 'open');
  });

  it('a failed resume: the unacknowledged messages handed back as RESUME_FAILED, queued ones sent in the new session', async () => {
    const peer = await startPeer();
    const { socket, events, resumes, opens } = resumingSocket(peer);
    await waitForState(socket, 'open');
    const first = peer.latest;
    socket.send('written');
    await waitFor(() => first.received.length === 1, 'written');
    peer.failNextResume = 'expired';
    peer.cut();
    await waitForState(socket, 'reconnectWait');
    socket.send('queued');
    await waitFor(() => opens.length === 2, 'the second open');
    expect(resumes.at(-1)).toEqual({ resumed: false, reason: 'expired', sessionId: 's2' });
    expect(opens).toEqual([false, false]);
    expect(events.undelivered).toHaveLength(1);
    expect(events.undelivered[0]!.messages).toEqual(['written']);
    expect((events.undelivered[0]!.error).code).toBe('RESUME_FAILED');
    await waitFor(() => peer.latest.received.length === 1, 'queued, in the new session');
    expect(peer.latest.received).toEqual(['queued']);
  });

  it('escapes app text that begins with U+0010, both ways', async () => {
    const peer = await startPeer();
    const { socket, events } = resumingSocket(peer);
    await waitForState(socket, 'open');
    socket.send(`${DLE}looks like a control frame`);
    peer.send(peer.latest, `${DLE}ack 99`);
    await waitFor(() => peer.latest.received.length === 1 && events.messages.length === 1, 'both');
    expect(peer.frames.at(-1)).toBe(`${DLE}${DLE}looks like a control frame`);
    expect(peer.latest.received).toEqual([`${DLE}looks like a control frame`]);
    expect(events.messages).toEqual([`${DLE}ack 99`]);
  });

  it('the ack rides on the heartbeat: ␐ping <received>, and ␐pong <n> is the pong and acknowledges', async () => {
    const peer = await startPeer();
    const { socket, events } = resumingSocket(peer, { heartbeat: { interval: 100, timeout: 1000 } });
    await waitForState(socket, 'open');
    peer.send(peer.latest, 'x');
    socket.send('a');
    await waitFor(() => peer.frames.some((frame) => frame === `${DLE}ping 1`), 'a ping with the ack');
    await waitFor(() => socket.session?.unacknowledgedSent === 0, "the pong's ack");
    expect(peer.frames).not.toContain('ping');
    expect(events.messages).toEqual(['x']);
    expect(socket.state === 'open' || socket.state === 'awaitingPong').toBe(true);
  });

  it('an explicit ␐ack every ackEvery messages received', async () => {
    const peer = await startPeer();
    const { socket, events } = createSocket(peer.url, fastOptions(WebSocket, { resume: resumable({ ackEvery: 3 }) }));
    await waitForState(socket, 'open');
    // (The fourth goes after the ack: one arriving in the same read would be in it, `␐ack 4`.)
    for (const text of ['1', '2', '3']) peer.send(peer.latest, text);
    await waitFor(() => peer.frames.includes(`${DLE}ack 3`), 'the ack');
    peer.send(peer.latest, '4');
    await waitFor(() => events.messages.length === 4, 'four messages');
    expect(peer.frames.filter((frame) => frame.startsWith(`${DLE}ack`))).toEqual([`${DLE}ack 3`]);
  });

  it('send() past the bound throws QUEUE_FULL, and nothing is dropped', async () => {
    const peer = await startPeer();
    peer.mode = 'noAnswer'; // no acknowledgement ever comes
    const { socket } = createSocket(peer.url, fastOptions(WebSocket, { resume: resumable({ maxMessages: 2, timeout: 60_000 }) }));
    socket.send('1');
    socket.send('2');
    expect(() => socket.send('3')).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }) as Error);
  });

  // (A hash never gets this far: WebSocket URLs cannot have one, and the URL check refuses it.)
  it('a url() function: its answer gets the flag too, its query kept as it was', async () => {
    const peer = await startPeer();
    const { socket } = resumingSocket(peer, {});
    socket.close();
    const made = createSocket(() => Promise.resolve(`${peer.url}?token=a%20b`), fastOptions(WebSocket, { resume: resumable() }));
    await waitForState(made.socket, 'open');
    expect(peer.requests.at(-1)).toBe('/feed?token=a%20b&heartsocket-session=1');
    expect(made.socket.url).toBe(`${peer.url}?token=a%20b&heartsocket-session=1`);
  });

  it('without resume, the frames and the URL are exactly as before: no flag, no control frame', async () => {
    const peer = await startPeer();
    const { socket, events } = createSocket(peer.url, fastOptions(WebSocket));
    await waitFor(() => events.messages.length === 1, 'the greeting');
    socket.send(`${DLE}raw`);
    await waitFor(() => peer.frames.length === 1, 'the message');
    expect(peer.requests).toEqual(['/feed']);
    expect(peer.frames).toEqual([`${DLE}raw`]);
    expect(socket.session).toBeNull();
  });

  it('createSocketActor takes resume too, and emits resume and open with resumed', async () => {
    const peer = await startPeer();
    const actor = createSocketActor(peer.url, { WebSocket, heartbeat: false, resume: resumable() });
    onCleanup(() => actor.stop());
    const emitted: unknown[] = [];
    actor.on('resume', (event) => emitted.push(event));
    actor.on('open', (event) => emitted.push(event));
    await waitFor(() => emitted.length === 2, 'resume and open');
    expect(emitted).toEqual([
      { type: 'resume', resumed: false, reason: null, sessionId: 's1' },
      { type: 'open', resumed: false },
    ]);
  });
});
