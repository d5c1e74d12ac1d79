// heartsocket/react's logic in Node, the companion of react.test.ts (which runs the hook in
// Chromium): what one hook holds and shows (SocketView), the counted registry of sockets, and the
// hook rendered on the server. Real sockets: `ws` on 127.0.0.1, port 0.
import { once } from 'node:events';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { useHeartSocket, type UseHeartSocketOptions } from '../../adapters/react/index.js';
import { jsonOf } from '../../adapters/react/json.js';
import { withLatestFunctions } from '../../adapters/react/latestFunctions.js';
import { SocketView } from '../../adapters/react/view.js';
import { wsText } from '../support/text.js';
import { sleep, waitFor } from '../support/wait.js';

/** Time for packets already on their way over loopback, where a test checks that none come. */
const GRACE = 200;

/** Polls `check` until it holds, at most `ms`. */
const until = (check: () => boolean, what: string, ms = 5000): Promise<void> => waitFor(check, what, ms);

interface Connection {
  path: string;
  ws: ServerSocket;
  closed: boolean;
  received: string[];
}

let wss: WebSocketServer;
const connections: Connection[] = [];
const to = (path: string) => connections.filter((connection) => connection.path === path);
const url = (path: string) => `ws://127.0.0.1:${(wss.address() as { port: number }).port}${path}`;

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  wss.on('connection', (ws, request) => {
    const connection: Connection = { path: request.url ?? '', ws, closed: false, received: [] };
    connections.push(connection);
    ws.on('error', () => {});
    ws.on('close', () => (connection.closed = true));
    ws.on('message', (data) => connection.received.push(wsText(data)));
  });
});

const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  vi.restoreAllMocks();
  await sleep(0); // the registry closes the released sockets a microtask later
});

afterAll(async () => {
  for (const ws of wss.clients) ws.terminate();
  await new Promise((resolve) => wss.close(resolve));
});

/** A view as a hook makes it, with `ws` for Node 20 and no heartbeat. */
function view(options: UseHeartSocketOptions = {}): SocketView {
  const made = new SocketView();
  made.options = { WebSocket, heartbeat: false, ...options };
  return made;
}

/** `view.connect`, let go of after the test. */
function connect(target: SocketView, key: string, path: string): () => void {
  target.url = url(path);
  const disconnect = target.connect(key);
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    disconnect();
  };
  cleanups.push(once);
  return once;
}

describe('SocketView: what one hook shows', () => {
  it('changes its snapshot only for the fields the component read: state, then messages once lastMessage is read', async () => {
    const shown = view();
    let notified = 0;
    cleanups.push(shown.subscribe(() => notified++));
    const first = shown.snapshot('a', 'connecting');
    expect(first).toMatchObject({ socket: null, state: 'connecting', readyState: 0, lastMessage: null });
    expect(shown.read(first, 'state')).toBe('connecting');

    connect(shown, 'a', '/view');
    await until(() => shown.snapshot('a', 'connecting') !== first, 'open');
    const open = shown.snapshot('a', 'connecting');
    expect(open.state).toBe('open');
    await until(() => to('/view').length === 1, 'the server saw it');

    // Messages: the state did not change, and lastMessage is not read: the same snapshot.
    const before = notified;
    to('/view')[0]!.ws.send('one');
    await until(() => notified > before, 'the message notified');
    expect(shown.snapshot('a', 'connecting')).toBe(open);
    expect(open.lastMessage?.data).toBe('one'); // brought up to date all the same, for a first read

    // Once read, each message is a new snapshot.
    expect(shown.read(open, 'lastMessage')?.data).toBe('one');
    to('/view')[0]!.ws.send('two');
    await until(() => shown.snapshot('a', 'connecting') !== open, 'a new snapshot for the message');
    expect(shown.snapshot('a', 'connecting').lastMessage?.data).toBe('two');

    // Another key (the URL changed, not yet connected): no socket, the idle state.
    expect(shown.snapshot('b', 'connecting')).toMatchObject({ socket: null, state: 'connecting', lastMessage: null });
    expect(shown.snapshot(null, 'closed')).toMatchObject({ socket: null, state: 'closed', readyState: 3 });
  });

  it('filter picks lastMessage; onOpen, onMessage, onClose and onError get every event; the latest options are used', async () => {
    const events: string[] = [];
    const shown = view({
      filter: (message) => String(message.data).startsWith('keep'),
      onOpen: () => events.push('open'),
      onMessage: (message) => events.push(`message ${String(message.data)}`),
      onClose: (event) => events.push(`close ${event.code}`),
      onError: () => events.push('error'),
    });
    connect(shown, 'filter', '/filter');
    await until(() => events.includes('open'), 'open');
    await until(() => to('/filter').length === 1, 'the server saw it');
    const server = to('/filter')[0]!.ws;
    server.send('keep 1');
    server.send('drop 1');
    await until(() => events.length === 3, 'two messages');
    expect(shown.snapshot('filter', 'connecting').lastMessage?.data).toBe('keep 1');

    // New callbacks, as a re-render gives: used from the next event on.
    shown.options = { ...shown.options, onMessage: (message) => events.push(`new ${String(message.data)}`) };
    server.send('keep 2');
    await until(() => events.length === 4, 'a third message');
    server.close(4001, 'bye');
    await until(() => events.some((event) => event.startsWith('close')), 'the close');
    expect(events).toEqual(['open', 'message keep 1', 'message drop 1', 'new keep 2', 'close 4001']);
  });

  it('send waits for the socket before connect; close and reconnect do nothing without one', async () => {
    const shown = view({ reconnect: { delay: 50 } });
    shown.close();
    shown.reconnect();
    shown.send('early 1');
    shown.send('early 2');
    connect(shown, 'send', '/send');
    shown.send('after');
    await until(() => to('/send')[0]?.received.length === 3, 'three messages');
    expect(to('/send')[0]!.received).toEqual(['early 1', 'early 2', 'after']);

    shown.reconnect();
    await until(() => to('/send').length === 2 && to('/send')[0]!.closed, 'a new connection, the old one gone');
    shown.close(4002, 'done');
    await until(() => to('/send')[1]!.closed, 'closed');
    expect(shown.snapshot('send', 'connecting').state).toBe('closed');
    // Issue #21: the hook's send no longer throws after close(); the refusal goes to onError.
    const errors: unknown[] = [];
    shown.options = { ...shown.options, onError: (event) => errors.push(event.error) };
    expect(() => shown.send('too late')).not.toThrow();
    expect(errors).toEqual([expect.objectContaining({ name: 'HeartSocketError', code: 'CLOSED' })]);
  });

  it('lastMessage starts over with a new socket; lastJsonMessage parses text once, and is undefined for the rest', async () => {
    const shown = view();
    const disconnect = connect(shown, 'one', '/json-one');
    await until(() => to('/json-one').length === 1 && shown.snapshot('one', 'connecting').state === 'open', 'open');
    to('/json-one')[0]!.ws.send('{"price":1}');
    await until(() => shown.snapshot('one', 'connecting').lastMessage !== null, 'a message');
    const message = shown.snapshot('one', 'connecting').lastMessage;
    expect(jsonOf(message)).toEqual({ price: 1 });
    expect(jsonOf(message)).toBe(jsonOf(message)); // parsed once
    expect(jsonOf(null)).toBeUndefined();
    expect(jsonOf({ data: 'not json' } as MessageEvent)).toBeUndefined();
    expect(jsonOf({ data: new ArrayBuffer(2) } as MessageEvent)).toBeUndefined();

    disconnect();
    connect(shown, 'two', '/json-two');
    expect(shown.snapshot('two', 'connecting').lastMessage).toBeNull();
    await until(() => to('/json-one')[0]!.closed, 'the first socket closed');
  });
});

describe('the registry: sockets counted by key', () => {
  it('a shared key: one connection; it stays while one holds it, and closes after the last lets go', async () => {
    const a = view({ share: true });
    const b = view({ share: true });
    const leaveA = connect(a, 'shared x', '/shared');
    const leaveB = connect(b, 'shared x', '/shared');
    await until(() => a.snapshot('shared x', 'connecting').state === 'open', 'open');
    expect(b.snapshot('shared x', 'connecting').socket).toBe(a.snapshot('shared x', 'connecting').socket);
    leaveA();
    await sleep(GRACE);
    expect(to('/shared').map((c) => c.closed)).toEqual([false]);
    leaveB();
    await until(() => to('/shared')[0]!.closed, 'closed after the last');
    expect(to('/shared')).toHaveLength(1);
  });

  it("let go of and taken again at once (StrictMode's remount): the same socket, never closed", async () => {
    const shown = view();
    shown.url = url('/remount');
    const first = shown.connect('remount');
    const socket = shown.snapshot('remount', 'connecting').socket;
    first();
    connect(shown, 'remount', '/remount');
    expect(shown.snapshot('remount', 'connecting').socket).toBe(socket);
    await until(() => shown.snapshot('remount', 'connecting').state === 'open', 'open');
    await sleep(GRACE);
    expect(to('/remount').map((c) => c.closed)).toEqual([false]);
  });

  it('joining a shared socket with other options warns in development, not for the same options with new functions, not in production', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    connect(view({ share: true, reconnect: { delay: 100, factor: 2 }, onOpen: () => {} }), 'shared w', '/warn');
    connect(view({ share: true, reconnect: { factor: 2, delay: 100 }, onOpen: () => {} }), 'shared w', '/warn');
    expect(warn).not.toHaveBeenCalled();
    connect(view({ share: true, reconnect: { delay: 200 } }), 'shared w', '/warn');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/joined a shared socket made with other options.*ignored/);

    vi.stubEnv('NODE_ENV', 'production');
    try {
      connect(view({ share: true, reconnect: { delay: 300 } }), 'shared w', '/warn');
    } finally {
      vi.unstubAllEnvs();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    await until(() => to('/warn').length === 1, 'one connection');
  });
});

describe('the function options of a shared socket: the leading holder\'s latest', () => {
  it('the creating component leads until it lets go, then the next holder', async () => {
    const leader = view({ share: true, reconnect: { delay: 20, shouldReconnect: () => true } });
    const next = view({ share: true, reconnect: { delay: 20, shouldReconnect: () => false } });
    const leave = connect(leader, 'shared /lead', '/lead');
    connect(next, 'shared /lead', '/lead');
    const socket = leader.snapshot('shared /lead', 'connecting').socket!;
    expect(next.snapshot('shared /lead', 'connecting').socket).toBe(socket);
    await until(() => socket.state === 'open', 'open');

    // The leader's latest render says yes: the drop is retried.
    to('/lead')[0]!.ws.close(4001, 'again');
    await until(() => to('/lead').length === 2 && socket.state === 'open', 'reconnected');

    // The leader's next render answers no: that is the one asked.
    leader.options = { ...leader.options, reconnect: { delay: 20, shouldReconnect: () => false } };
    const stops: unknown[] = [];
    next.options = { ...next.options, onReconnectStop: (close) => stops.push(close?.code) };
    to('/lead')[1]!.ws.close(4001, 'stop');
    await until(() => socket.state === 'closed', 'closed for good');
    expect(stops).toEqual([4001]);

    // The leader lets go: the next holder leads, and its function is the one called.
    socket.reconnect();
    await until(() => socket.state === 'open' && to('/lead').length === 3, 'open again');
    leave();
    next.options = { ...next.options, reconnect: { delay: 20, shouldReconnect: () => true } };
    to('/lead')[2]!.ws.close(4001, 'retry');
    await until(() => to('/lead').length === 4 && socket.state === 'open', 'retried, as the next holder said');
  });

  it('wraps only the functions the user passed: the default isPong is kept as it is (its fast path)', () => {
    const latest = { heartbeat: { isPong: (data: unknown) => data === 'PONG' } };
    const plain = withLatestFunctions({ heartbeat: { interval: 1000 } }, () => latest);
    expect(plain.heartbeat).toEqual({ interval: 1000 });
    const wrapped = withLatestFunctions({ heartbeat: { isPong: (data) => data === 'pong' } }, () => latest);
    const { isPong } = wrapped.heartbeat as { isPong: (data: unknown) => boolean };
    expect([isPong('pong'), isPong('PONG')]).toEqual([false, true]); // the latest render's answers
  });
});

describe('useHeartSocket, rendered on the server', () => {
  it('renders the idle state and makes no socket: effects never run on the server', async () => {
    const made: string[] = [];
    class Counted extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        made.push(address);
      }
    }
    function Probe({ address, startClosed }: { address: string | null; startClosed?: boolean }) {
      const result = useHeartSocket(address, { WebSocket: Counted, share: true, ...(startClosed && { startClosed }) });
      return createElement('p', null, [result.state, result.readyState, result.socket, result.lastMessage, result.lastJsonMessage].join('|'));
    }
    const html = renderToString(
      createElement('div', null, [
        createElement(Probe, { key: 1, address: url('/ssr') }),
        createElement(Probe, { key: 2, address: null }),
        createElement(Probe, { key: 3, address: url('/ssr'), startClosed: true }),
      ]),
    );
    expect(html).toBe('<div><p>connecting|0|||</p><p>closed|3|||</p><p>closed|3|||</p></div>');
    await sleep(GRACE);
    expect(made).toEqual([]);
    expect(to('/ssr')).toEqual([]);
  });
});
