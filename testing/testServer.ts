import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { DLE, SESSION_FLAG } from '../adapters/controlFrames.js';
import { HEARTBEAT_PING, HEARTBEAT_PONG } from '../machine/settings.js';
import { waitUntil } from './waitUntil.js';

/**
 * How a {@link TestServer} starts out; both can be changed at any time through its fields.
 *
 * @example
 * ```ts
 * const server = new TestServer({ upgrades: 'hold', pings: 'ignore' });
 * ```
 */
export interface TestServerOptions {
  /**
   * `'accept'`: every upgrade is accepted at once. `'hold'`: each waits for the test's
   * `accept()` or `refuse()` (the connection attempt is in flight meanwhile).
   * @default 'accept'
   */
  upgrades?: 'accept' | 'hold';
  /**
   * `'answer'`: heartsocket's heartbeat ping (`'ping'`) is answered with `'pong'`. `'ignore'`: it is
   * counted and left unanswered, so the client's pong timeout runs out.
   * @default 'answer'
   */
  pings?: 'answer' | 'ignore';
  /**
   * The session handshake (docs/protocol.md), for clients with `resume` on (their upgrade request
   * carries `heartsocket-session=1`). `'off'`: a plain server, that never says `hello`. `'on'`: a
   * server that keeps sessions: `␐hello 1` first on every flagged connection, and the answer to the
   * client's `start`/`resume` at once. `'hold'`: the same server, each step waiting for the test's
   * `hello()` and `answerHandshake()` (silence meanwhile: the client's handshake timeout runs).
   * @default 'off'
   */
  sessions?: 'off' | 'on' | 'hold';
}

/** A session the server keeps: what its client sent, what was sent to it (all of it: a test's worth). */
interface KeptSession {
  readonly id: string;
  /** The client's app messages received in the session. */
  received: number;
  /** The app messages sent in the session, as written (escaped). */
  readonly sent: string[];
}

/**
 * Where a connection stands in the handshake: `plain` (no flag, or a first frame that was not
 * `hello`), `flagged` (`hello` not sent yet), `hello` (sent; `asked` is the client's `start` or
 * `resume` once it came), `session` (the answer sent: app frames are counted in `session`).
 */
interface Link {
  phase: 'plain' | 'flagged' | 'hello' | 'session';
  asked?: readonly string[];
  session?: KeptSession;
}

interface HeldUpgrade {
  request: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

/** The TCP socket under a server-side `ws` connection: to hold its reads, or to cut it. */
const tcpOf = (connection: WebSocket) => (connection as unknown as { _socket: Duplex & { pause(): void; resume(): void } })._socket;

const textOf = (data: RawData): string =>
  Buffer.isBuffer(data) ? data.toString() : (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString();

/** For the errors of sockets the test cuts or the client resets: the test's own doing, not a failure. */
function ignore(): void {}

/** `ws`, loaded when a server starts: it is an optional peer, and the rest of the entry runs without it. */
async function loadWebSocketServer(): Promise<typeof WebSocketServer> {
  try {
    return (await import('ws')).WebSocketServer;
  } catch (error) {
    throw new Error('heartsocket/testing: TestServer needs the `ws` package (npm install --save-dev ws)', { cause: error });
  }
}

/**
 * A WebSocket server on 127.0.0.1 (a free port) that a test drives: it accepts or refuses
 * upgrades, answers or ignores heartbeat pings, goes silent (half-open: it stops reading and
 * answering but keeps the connection), drops the TCP connection, closes with a code, restarts on
 * the same port, and records what it received. It can keep sessions for clients with `resume` on
 * (`sessions`: the handshake at once, or step by step). Needs `ws` (an optional peer of heartsocket).
 *
 * @example
 * ```ts
 * import { TestServer } from 'heartsocket/testing';
 *
 * const server = new TestServer();
 * const url = await server.start(); // ws://127.0.0.1:<port>/
 * // …connect the app to `url`, then:
 * server.silence(); // half-open: the client's heartbeat must find out
 * server.drop(); // or: the TCP connection is cut, no close frame
 * console.log(server.requests, server.received, server.pingsReceived, server.accepted);
 * await server.stop();
 *
 * // A server that keeps sessions, its handshake driven step by step (a client with `resume` on):
 * const sessions = new TestServer({ sessions: 'hold' });
 * // …once the client's socket is open at the server:
 * sessions.hello(); // ␐hello 1
 * await sessions.answerHandshake(); // ␐session <id> to ␐start 1, ␐resumed <n> to ␐resume 1 <id> <n>
 * console.log(sessions.handshakes); // ['\u0010start 1']
 * ```
 */
export class TestServer {
  /** What happens to an upgrade request: accepted at once, or held for `accept()`/`refuse()`. */
  upgrades: 'accept' | 'hold';
  /** Whether heartbeat pings are answered with a pong. */
  pings: 'answer' | 'ignore';
  /** The path and query of every upgrade request, accepted or not, in order (a token, a resume id…). */
  readonly requests: string[] = [];
  /**
   * Every app message received (not heartbeat pings, not the session protocol's control frames),
   * as text, over all connections, in order.
   */
  readonly received: string[] = [];
  /** Heartbeat pings (`'ping'`) received, over all connections. */
  pingsReceived = 0;
  /** Connections accepted since the server was made. */
  accepted = 0;
  /**
   * The session handshake's frames the clients sent (`␐start 1`, `␐resume 1 <id> <received>`), in
   * order, over all connections.
   */
  readonly handshakes: string[] = [];
  /** How each connection ended at the server, in order: the close code and reason it got (1006 for a cut). */
  readonly closes: { readonly code: number; readonly reason: string }[] = [];
  /** Whether the server keeps sessions, and whether its handshake waits for the test. */
  sessions: 'off' | 'on' | 'hold';

  readonly #http: Server = createServer();
  readonly #held: HeldUpgrade[] = [];
  readonly #connections = new Set<WebSocket>();
  readonly #links = new Map<WebSocket, Link>();
  readonly #kept = new Map<string, KeptSession>();
  #wss: WebSocketServer | undefined;
  #port = 0;

  /** Makes the server; `start()` opens it. */
  constructor(options: TestServerOptions = {}) {
    this.upgrades = options.upgrades ?? 'accept';
    this.pings = options.pings ?? 'answer';
    this.sessions = options.sessions ?? 'off';
    this.#http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade({ request, socket, head }));
  }

  /** The server's URL, `ws://127.0.0.1:<port>/` (once started). */
  get url(): string {
    return `ws://127.0.0.1:${this.#port}/`;
  }

  /** Upgrade requests held, waiting for `accept()` or `refuse()`. */
  get waiting(): number {
    return this.#held.length;
  }

  /** Connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Listens on 127.0.0.1, on a free port the first time and on the same port after `restart()`. */
  async start(): Promise<string> {
    this.#wss ??= new (await loadWebSocketServer())({ noServer: true });
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#port, '127.0.0.1', () => {
        this.#http.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#http.address() as AddressInfo).port;
    return this.url;
  }

  /** Accepts the oldest held upgrade request; resolves once the connection is open at the server. */
  async accept(): Promise<void> {
    const upgrade = this.#held.shift();
    if (upgrade === undefined) throw new Error('TestServer.accept(): no upgrade request is waiting');
    await this.#open(upgrade);
  }

  /** Refuses the oldest held upgrade request with an HTTP status: the client's attempt fails. */
  refuse(status = 503): void {
    const upgrade = this.#held.shift();
    if (upgrade === undefined) throw new Error('TestServer.refuse(): no upgrade request is waiting');
    upgrade.socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\n\r\n`);
  }

  /**
   * Sends a text message on every open connection. In a session it is counted and kept (escaped if
   * it begins with U+0010); on a flagged connection before `hello`, it is a plain server's first
   * frame: that connection stays plain.
   */
  send(text: string): void {
    for (const connection of this.#connections) {
      const link = this.#links.get(connection)!;
      if (link.phase === 'flagged') link.phase = 'plain';
      if (link.phase !== 'session') {
        connection.send(text);
        continue;
      }
      const frame = text.startsWith(DLE) ? DLE + text : text;
      link.session!.sent.push(frame);
      connection.send(frame);
    }
  }

  /**
   * Says `␐hello 1` on the one open connection, whose request carried the session flag: the
   * server keeps sessions (with `sessions: 'hold'`; `'on'` says it by itself).
   */
  hello(): void {
    const connection = this.#only('hello()');
    const link = this.#links.get(connection)!;
    if (link.phase !== 'flagged') throw new Error(`TestServer.hello(): the connection is ${link.phase === 'plain' ? 'plain (no session flag, or a first frame sent)' : 'past its hello'}`);
    link.phase = 'hello';
    connection.send(`${DLE}hello 1`);
  }

  /**
   * Waits for the client's answer to `hello` on the one open connection, and answers it: a new
   * session (`␐session <id>`) to `start`; to `resume`, `␐resumed <received>` with the messages
   * the client missed sent again after it, or, for a session the server does not keep,
   * `␐session <new id> unknown`. Resolves once the answer is sent.
   */
  async answerHandshake(): Promise<void> {
    const connection = this.#only('answerHandshake()');
    const link = this.#links.get(connection)!;
    if (link.phase !== 'hello') throw new Error('TestServer.answerHandshake(): no hello was said on the connection');
    await waitUntil(() => link.asked !== undefined || !this.#connections.has(connection), "the client's start or resume");
    if (link.asked !== undefined) this.#answer(connection, link);
  }

  /**
   * Sends a protocol ping frame on the one open connection and resolves on the client's pong: the
   * client has then read everything sent before (a `ws` client counts the ping as life).
   */
  async ping(): Promise<void> {
    const connection = this.#only('ping()');
    const answered = new Promise<void>((resolve) => connection.once('pong', () => resolve()));
    connection.ping();
    await answered;
  }

  /**
   * Half-open: the server stops reading (and so answering) on every open connection, without
   * closing anything. The client hears nothing more on it until `wake()`.
   */
  silence(): void {
    for (const connection of this.#connections) tcpOf(connection).pause();
  }

  /** Reads and answers again after `silence()`: what the client sent meanwhile arrives now. */
  wake(): void {
    for (const connection of this.#connections) tcpOf(connection).resume();
  }

  /** Cuts the TCP connection of every open connection, without a close frame (the client sees 1006). */
  drop(): void {
    for (const connection of this.#connections) connection.terminate();
  }

  /** Starts the close handshake on every open connection, with `code` and `reason`. */
  close(code = 1000, reason = ''): void {
    for (const connection of this.#connections) connection.close(code, reason);
  }

  /** Resolves once no connection is open (a close handshake ended, a dropped socket was seen). */
  whenNoConnections(): Promise<void> {
    return waitUntil(() => this.#connections.size === 0, () => `the server's ${this.#connections.size} connection(s) to end`);
  }

  /** A server restart: every connection dropped, the port closed, then listened on again. */
  async restart(): Promise<void> {
    await this.#shut();
    await this.start();
  }

  /** Drops every connection and held request and stops listening (`start()` may listen again). */
  async stop(): Promise<void> {
    await this.#shut();
    this.#wss?.close();
    // A start() after stop() listens again with a fresh `ws` server.
    this.#wss = undefined;
  }

  async #shut(): Promise<void> {
    for (const upgrade of this.#held.splice(0)) upgrade.socket.destroy();
    for (const connection of this.#connections) connection.terminate();
    this.#connections.clear();
    // A restart forgets its sessions, as a real server without a shared store does.
    this.#kept.clear();
    if (this.#http.listening) await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #upgrade(upgrade: HeldUpgrade): void {
    this.requests.push(upgrade.request.url ?? '');
    // A client that resets its request (terminate()) is an ordinary event here, not an uncaught error.
    upgrade.socket.on('error', ignore);
    if (this.upgrades === 'accept') return void this.#open(upgrade);
    this.#held.push(upgrade);
    // A client that gives up (connect timeout, close()) takes its request away.
    upgrade.socket.on('close', () => {
      const index = this.#held.indexOf(upgrade);
      if (index >= 0) this.#held.splice(index, 1);
    });
  }

  async #open({ request, socket, head }: HeldUpgrade): Promise<void> {
    const connection = await new Promise<WebSocket>((resolve) => this.#wss!.handleUpgrade(request, socket, head, resolve));
    this.accepted++;
    this.#connections.add(connection);
    const flagged = this.sessions !== 'off' && new URL(request.url ?? '/', 'ws://host').searchParams.has(SESSION_FLAG.split('=')[0]!);
    const link: Link = { phase: flagged ? 'flagged' : 'plain' };
    this.#links.set(connection, link);
    connection.on('error', ignore);
    connection.on('close', (code, reason) => {
      this.closes.push({ code, reason: reason.toString() });
      this.#connections.delete(connection);
      this.#links.delete(connection);
    });
    connection.on('message', (data) => {
      const text = textOf(data);
      if (link.phase === 'hello' || link.phase === 'session') return this.#receiveInSession(connection, link, text);
      if (text !== HEARTBEAT_PING) return void this.received.push(text);
      this.pingsReceived++;
      if (this.pings === 'answer') connection.send(HEARTBEAT_PONG);
    });
    if (flagged && this.sessions === 'on') this.hello();
  }

  /** A frame on a connection past `hello`: the handshake's, an ack, a ping with an ack, or an app message. */
  #receiveInSession(connection: WebSocket, link: Link, text: string): void {
    const control = text.startsWith(DLE) && !text.startsWith(DLE + DLE);
    if (!control) {
      // (An app frame before the answer is the client's protocol error: recorded, not counted.)
      if (link.session !== undefined) link.session.received++;
      return void this.received.push(text.startsWith(DLE) ? text.slice(1) : text);
    }
    const [name, ...fields] = text.slice(1).split(' ');
    if (name === 'start' || name === 'resume') {
      this.handshakes.push(text);
      link.asked = [name, ...fields];
      if (this.sessions === 'on') this.#answer(connection, link);
    } else if (name === 'ping') {
      this.pingsReceived++;
      if (this.pings === 'answer') connection.send(`${DLE}pong ${link.session?.received ?? 0}`);
    }
    // `␐ack <n>`: everything is kept anyway (a test's worth of messages), nothing to drop.
  }

  #answer(connection: WebSocket, link: Link): void {
    const [name, , id, received] = link.asked!;
    const kept = name === 'resume' ? this.#kept.get(id!) : undefined;
    link.phase = 'session';
    if (kept !== undefined) {
      link.session = kept;
      connection.send(`${DLE}resumed ${kept.received}`);
      for (const frame of kept.sent.slice(Number(received))) connection.send(frame);
      return;
    }
    link.session = { id: randomBytes(16).toString('base64url'), received: 0, sent: [] };
    this.#kept.set(link.session.id, link.session);
    connection.send(name === 'resume' ? `${DLE}session ${link.session.id} unknown` : `${DLE}session ${link.session.id}`);
  }

  #only(call: string): WebSocket {
    const [only, ...more] = this.#connections;
    if (only === undefined || more.length > 0) throw new Error(`TestServer.${call}: expected one open connection, found ${this.#connections.size}`);
    return only;
  }
}
