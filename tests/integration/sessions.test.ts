/**
 * heartsocket/server's resumable sessions (docs/protocol.md) against a real `ws` server on
 * 127.0.0.1, driven by a scripted client speaking the protocol frame by frame
 * (tests/support/sessionPeer.ts).
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { type RawData, type WebSocketServer } from 'ws';
import type { AcceptHeartbeatsOptions, Session, SessionEndReason, SessionOptions } from '../../adapters/server/index.js';
import { cleanup, waitFor } from '../support/client.js';
import { DLE, SessionPeer } from '../support/sessionPeer.js';
import { wsText } from '../support/text.js';
import { accept, startWss } from '../support/wss.js';

/** What the server app saw of its sessions. */
interface SessionApp {
  sessions: Session[];
  /** Each session's app messages, as `text:…` / `binary:…`, by session id. */
  messages: Map<string, string[]>;
  ends: Map<string, SessionEndReason>;
  /** Messages the physical sockets' own `'message'` listeners saw. */
  socketMessages: string[];
}

const asText = (data: RawData, isBinary: boolean): string => `${isBinary ? 'binary' : 'text'}:${wsText(data)}`;

async function sessionServer(
  sessions: SessionOptions = {},
  options: Omit<AcceptHeartbeatsOptions, 'sessions'> = {},
  { welcome = false } = {},
): Promise<{ wss: WebSocketServer; url: string; app: SessionApp; heartbeats: ReturnType<typeof accept> }> {
  const { wss, url } = await startWss();
  const app: SessionApp = { sessions: [], messages: new Map(), ends: new Map(), socketMessages: [] };
  // Added before acceptHeartbeats, sending at once: `hello` must still come first.
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => app.socketMessages.push(asText(data, isBinary)));
    ws.on('error', () => {});
    if (welcome) ws.send('welcome');
  });
  const heartbeats = accept(wss, {
    maxSilence: false,
    ...options,
    sessions: {
      ...sessions,
      onSession(session, request) {
        app.sessions.push(session);
        app.messages.set(session.id, []);
        session.on('message', (data, isBinary) => app.messages.get(session.id)!.push(asText(data, isBinary)));
        session.on('end', (reason) => app.ends.set(session.id, reason));
        sessions.onSession?.(session, request);
      },
    },
  });
  return { wss, url, app, heartbeats };
}

describe('acceptHeartbeats({ sessions })', () => {
  afterEach(cleanup);

  it('sends hello first to a flagged socket, before what the app sends in its connection handler', async () => {
    const { url, app } = await sessionServer({}, {}, { welcome: true });
    const { peer, id } = await SessionPeer.start(url);
    expect(peer.frames[0]).toBe(`${DLE}hello 1`);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The app's ws.send from 'connection' went into the session: message 1, after `session`.
    await peer.expect('welcome');
    expect(app.sessions.map((session) => session.sent)).toEqual([1]);
  });

  it('leaves a plain client at a session server byte for byte as without sessions', async () => {
    const { url, wss, heartbeats } = await sessionServer({}, {}, { welcome: true });
    wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`echo: ${wsText(data)}`)));
    const plain = await SessionPeer.connect(url, { flag: false });
    plain.send(`${DLE}start 1`);
    plain.send('ping');
    plain.send('x');
    expect(await plain.take(4)).toEqual(['welcome', `echo: ${DLE}start 1`, 'pong', 'echo: x']);
    expect(heartbeats.session(wss.clients.values().next().value!)).toBeUndefined();
    expect(heartbeats.stats()).toMatchObject({ watched: 1, plainClients: 1, sessions: 0 });
  });

  it('begins a session: messages both ways, the socket listeners see none, ws.send is counted', async () => {
    const { url, app, wss, heartbeats } = await sessionServer();
    const { peer, id } = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    const [session] = app.sessions as [Session];
    const [ws] = [...wss.clients] as [WebSocket];
    expect(session.id).toBe(id);
    expect(session.socket).toBe(ws);
    expect(heartbeats.session(ws)).toBe(session);
    session.send('one');
    ws.send('two'); // the app's send on the physical socket goes through the session
    session.send(Buffer.from('three'));
    expect(await peer.take(3)).toEqual(['one', 'two', 'binary:three']);
    expect(session.sent).toBe(3);
    peer.send('a');
    peer.send(Buffer.from('b'));
    await waitFor(() => app.messages.get(id)!.length === 2, 'two messages');
    expect(app.messages.get(id)).toEqual(['text:a', 'binary:b']);
    expect(app.socketMessages).toEqual([]);
    expect(session.received).toBe(2);
    expect(heartbeats.stats()).toMatchObject({ sessions: 1, plainClients: 0, resumed: 0, expired: 0 });
  });

  it('resumes: the old socket closed 4003, unacknowledged messages re-sent both ways, each delivered once', async () => {
    const { url, app } = await sessionServer();
    const first = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    const [session] = app.sessions as [Session];
    const resumedOn: WebSocket[] = [];
    session.on('resume', (ws) => resumedOn.push(ws));
    session.send('m1');
    session.send('m2');
    session.send('m3');
    await first.peer.take(3);
    first.peer.send('c1');
    first.peer.send('c2');
    await waitFor(() => session.received === 2, 'two messages received');
    first.peer.ws.terminate();
    await waitFor(() => session.socket === null, 'the session detached');
    session.send('m4'); // while the client is away: kept for the resume

    // The client's app got m1 only (say): the server re-sends m2, m3, m4.
    const second = await SessionPeer.connect(url);
    await second.expect(`${DLE}hello 1`);
    second.control('resume', 1, first.id, 1);
    expect(await second.take(4)).toEqual([`${DLE}resumed 2`, 'm2', 'm3', 'm4']);
    // The client re-sends after the server's count: c3 is message 3, c1 and c2 are not repeated.
    second.send('c3');
    await waitFor(() => session.received === 3, 'c3');
    expect(app.messages.get(first.id)).toEqual(['text:c1', 'text:c2', 'text:c3']);
    expect(app.sessions).toHaveLength(1); // no new session
    expect(resumedOn).toEqual([session.socket]);
  });

  it("takes a session over from a live socket: that socket's later frames are neither counted nor delivered", async () => {
    const { url, app, wss } = await sessionServer();
    const first = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    const [session] = app.sessions as [Session];
    const [oldWs] = [...wss.clients] as [WebSocket];
    first.peer.send('c1');
    await waitFor(() => session.received === 1, 'c1');
    // The old socket's frames wait unread (as `ws` holds the ones it read before a terminate()).
    oldWs.pause();
    first.peer.send('late');
    first.peer.control('ack', 0);

    const second = await SessionPeer.connect(url);
    await second.expect(`${DLE}hello 1`);
    second.control('resume', 1, first.id, 0);
    await second.expect(`${DLE}resumed 1`);
    const oldClosed = once(oldWs, 'close');
    oldWs.resume(); // now `ws` emits 'late': the socket is off its session
    expect(await first.peer.waitClosed()).toEqual({ code: 4003, reason: 'session resumed elsewhere' });
    await oldClosed; // after the client's close frame, so after 'late' and its ack: all were read
    second.send('c2');
    await waitFor(() => session.received === 2, 'c2');
    expect(app.messages.get(first.id)).toEqual(['text:c1', 'text:c2']);
    expect(app.socketMessages).toEqual([]);
  });

  it('escapes app text frames that begin with U+0010, both ways', async () => {
    const { url, app } = await sessionServer();
    const { peer, id } = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    app.sessions[0]!.send(`${DLE}x`);
    expect(await peer.next()).toBe(`${DLE}${DLE}x`);
    peer.send(`${DLE}${DLE}y`);
    await waitFor(() => app.messages.get(id)!.length === 1, 'y');
    expect(app.messages.get(id)).toEqual([`text:${DLE}y`]);
  });

  it('takes acks from ␐ping (answered ␐pong <received>) and from ␐ack; acks every ackEvery', async () => {
    const { url, app } = await sessionServer({ ackEvery: 2 });
    const { peer } = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    const [session] = app.sessions as [Session];
    for (const text of ['m1', 'm2', 'm3']) session.send(text);
    await peer.take(3);
    peer.send('c1');
    peer.control('ping', 2);
    expect(await peer.next()).toBe(`${DLE}pong 1`);
    expect(session.unacknowledged).toEqual({ messages: 1, bytes: 2 });
    peer.control('ack', 3);
    peer.send('c2');
    peer.send('c3');
    expect(await peer.next()).toBe(`${DLE}ack 3`); // two received since the pong told 1
    expect(session.unacknowledged).toEqual({ messages: 0, bytes: 0 });
  });

  it('acks on the sweep what was received and not yet acknowledged', async () => {
    const { url, app } = await sessionServer({ ackEvery: 100 }, { maxSilence: 200 });
    const { peer } = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    peer.send('c1');
    expect(await peer.next(1000)).toBe(`${DLE}ack 1`);
  });

  it('expires a session ttl after its socket went away; its resume then begins a new one (unknown)', async () => {
    const { url, app, heartbeats } = await sessionServer({ ttl: 100 }, { maxSilence: 100 });
    const first = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    first.peer.ws.terminate();
    await waitFor(() => app.ends.get(first.id) === 'expired', 'expired', 2000);
    expect(heartbeats.stats()).toMatchObject({ expired: 1, sessions: 0 });
    const second = await SessionPeer.connect(url);
    await second.expect(`${DLE}hello 1`);
    second.control('resume', 1, first.id, 0);
    const [name, id, reason] = (await second.next()).split(' ');
    expect([name, reason]).toEqual([`${DLE}session`, 'unknown']);
    expect(id).not.toBe(first.id);
    await waitFor(() => app.sessions.length === 2, 'onSession for the new session');
  });

  it('expires sessions on one shared timer when there is no silence sweep (maxSilence: false)', async () => {
    const { url, app } = await sessionServer({ ttl: 40 }, { maxSilence: false });
    const first = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    first.peer.ws.terminate();
    await waitFor(() => app.ends.get(first.id) === 'expired', 'expired', 2000);
  });

  it('ends a session with overflow at its bound: ␐end overflow, then close; send returns false', async () => {
    const { url, app } = await sessionServer({ maxMessages: 2 });
    const { peer, id } = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    const [session] = app.sessions as [Session];
    expect([session.send('m1'), session.send('m2')]).toEqual([true, true]);
    // The app can see the bound coming: the client has acknowledged neither yet.
    expect(session.unacknowledged).toEqual({ messages: 2, bytes: 4 });
    expect(session.send('m3')).toBe(false);
    expect(app.ends.get(id)).toBe('overflow');
    expect(await peer.take(3)).toEqual(['m1', 'm2', `${DLE}end overflow`]);
    expect((await peer.waitClosed()).code).toBe(1000);
    expect(session.send('m4')).toBe(false);
  });

  it('ends a session with overflow while the client is away (maxBytes); the resume says overflow', async () => {
    const { url, app } = await sessionServer({ maxBytes: 10 });
    const first = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    const [session] = app.sessions as [Session];
    first.peer.ws.terminate();
    await waitFor(() => session.socket === null, 'detached');
    expect(session.send('12345')).toBe(true);
    expect(session.send('123456')).toBe(false);
    const second = await SessionPeer.connect(url);
    await second.expect(`${DLE}hello 1`);
    second.control('resume', 1, first.id, 0);
    expect((await second.next()).split(' ')[2]).toBe('overflow');
  });

  it('answers a resume refused by authorize with a new session (unknown); and mismatching counts (mismatch)', async () => {
    let allow = false;
    const { url, app } = await sessionServer({ authorize: () => allow });
    const first = await SessionPeer.start(url);
    const refused = await SessionPeer.connect(url);
    await refused.expect(`${DLE}hello 1`);
    refused.control('resume', 1, first.id, 0);
    expect((await refused.next()).split(' ')[2]).toBe('unknown');
    await waitFor(() => app.sessions.length === 2, 'a new session');
    expect(first.peer.closed).toBeUndefined(); // the refused resume took nothing over
    allow = true;
    const greedy = await SessionPeer.connect(url);
    await greedy.expect(`${DLE}hello 1`);
    greedy.control('resume', 1, first.id, 5); // it received 5 of the 0 sent
    expect((await greedy.next()).split(' ')[2]).toBe('mismatch');
    await waitFor(() => app.ends.get(first.id) === 'mismatch', 'the old session ended');
  });

  it('closes with 1002 on an unknown version, an unknown control frame, or an app frame before the handshake', async () => {
    const { url } = await sessionServer();
    const future = await SessionPeer.connect(url);
    await future.expect(`${DLE}hello 1`);
    future.control('start', 2);
    expect((await future.waitClosed()).code).toBe(1002);
    const { peer } = await SessionPeer.start(url);
    peer.control('é'.repeat(60) + 'teleport', 1); // quoted in the close reason, cut to its 123 bytes
    expect((await peer.waitClosed()).code).toBe(1002);
    const eager = await SessionPeer.connect(url);
    await eager.expect(`${DLE}hello 1`);
    eager.send('hi');
    expect((await eager.waitClosed()).code).toBe(1002);
  });

  it('quotes a huge unknown control frame in its 1002 close reason cut to 123 bytes, at once', async () => {
    const { url } = await sessionServer();
    const { peer } = await SessionPeer.start(url);
    peer.control('x'.repeat(1_000_000), 1); // the reason was cut one character per byte count: a megabyte stalled the server
    const closed = await peer.waitClosed();
    expect(closed.code).toBe(1002);
    expect(closed.reason).toBe(`heartsocket: unknown control frame ${'x'.repeat(123 - 'heartsocket: unknown control frame '.length)}`);
  });

  it('ends the session with closed on session.close(): ␐end closed, close 1000; a resume then says ended', async () => {
    const { url, app } = await sessionServer();
    const first = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    expect(() => app.sessions[0]!.close('x'.repeat(124))).toThrow(RangeError);
    app.sessions[0]!.close();
    expect(await first.peer.next()).toBe(`${DLE}end closed`);
    expect((await first.peer.waitClosed()).code).toBe(1000);
    const second = await SessionPeer.connect(url);
    await second.expect(`${DLE}hello 1`);
    second.control('resume', 1, first.id, 0);
    expect((await second.next()).split(' ')[2]).toBe('ended');
  });

  it('answers a plain ping with pong during the handshake and with custom heartbeat texts, uncounted', async () => {
    const { url, app } = await sessionServer({}, { ping: 'hb', pong: 'hb!' });
    const early = await SessionPeer.connect(url);
    await early.expect(`${DLE}hello 1`);
    early.send('hb');
    expect(await early.next()).toBe('hb!');
    const { peer, id } = await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    peer.send('hb');
    expect(await peer.next()).toBe('hb!');
    expect(app.sessions[0]!.sent).toBe(0); // the answer is beside the session, not in it
    peer.send('ping'); // not the heartbeat here: an app message
    await waitFor(() => app.messages.get(id)?.length === 1, 'ping as an app message');
    expect(app.sessions[0]!.received).toBe(1);
  });

  it('stop() puts back send and ends the sessions with stopped', async () => {
    const { url, app, heartbeats, wss } = await sessionServer();
    await SessionPeer.start(url);
    await waitFor(() => app.sessions.length === 1, 'onSession');
    const [ws] = [...wss.clients] as [WebSocket];
    expect(Object.prototype.hasOwnProperty.call(ws, 'send')).toBe(true);
    heartbeats.stop();
    expect(Object.prototype.hasOwnProperty.call(ws, 'send')).toBe(false);
    expect(app.ends.get(app.sessions[0]!.id)).toBe('stopped');
  });
});

describe('acceptHeartbeats({ sessions }) options', () => {
  afterEach(cleanup);

  it.each([
    [{ sessions: 1 }, TypeError, 'options.sessions must be an object or false, got 1'],
    [{ sessions: { ttl: '1s' } }, TypeError, 'options.sessions.ttl must be a number of milliseconds, got "1s"'],
    [{ sessions: { ttl: 0 } }, RangeError, 'options.sessions.ttl must be a number of milliseconds > 0'],
    [{ sessions: { maxMessages: 1.5 } }, RangeError, 'options.sessions.maxMessages must be a whole number ≥ 1, got 1.5'],
    [{ sessions: { maxBytes: 0 } }, RangeError, 'options.sessions.maxBytes must be a whole number ≥ 1, got 0'],
    [{ sessions: { ackEvery: '64' } }, TypeError, 'options.sessions.ackEvery must be a whole number, got "64"'],
    [{ sessions: { onSession: 'x' } }, TypeError, 'options.sessions.onSession must be a function, got "x"'],
    [{ sessions: { authorize: {} } }, TypeError, 'options.sessions.authorize must be a function, got an object'],
    [{ sessions: { store: {} } }, TypeError, 'options.sessions.store must be a SessionStore'],
    [{ sessions: { tll: 5 } }, TypeError, 'unknown option sessions.tll'],
  ])('rejects %j', async (options, ErrorType, message) => {
    const { wss } = await startWss();
    expect(() => accept(wss, options as AcceptHeartbeatsOptions)).toThrow(ErrorType);
    expect(() => accept(wss, options as AcceptHeartbeatsOptions)).toThrow(message);
  });
});
