/**
 * Real servers for the tests (integration, faults, peers, browser, visualizations), on 127.0.0.1
 * with an OS-chosen port: a controllable `ws` server (`TestServer`) and a raw TCP server that never
 * answers the HTTP upgrade (`SilentTcpServer`). Nothing here is mocked: the client talks to them
 * over real sockets.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { acceptHeartbeats } from '../../adapters/server/index.js';
import { wsText } from './text.js';

/** How the server answers the client's heartbeat message `'ping'`. */
export type PingReply = 'echo' | 'pong';

export interface TestServerOptions {
  /**
   * `'echo'` (default) sends `'ping'` back; `'pong'` answers `'pong'` the way users do, with
   * `heartsocket/server`'s `acceptHeartbeats` (the ping is hidden from the server's app).
   */
  pingReply?: PingReply;
}

/** A close the server saw from a client (1006 when the connection just dropped). */
export interface ServerSideClose {
  code: number;
  reason: string;
}

interface Connection {
  readonly ws: WebSocket;
  /** The TCP socket under the WebSocket, for `goSilent()`. */
  readonly tcp: Duplex;
  /** Reads, but never replies. */
  muted: boolean;
}

/** The bytes of a `ws` message, whatever form `ws` delivered them in. */
function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function listen(server: Server | TcpServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeListener(server: Server | TcpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A `ws` server that echoes every message, counts connections and heartbeat pings, records
 * what it received and the closes it saw, and can misbehave on request: close or drop all
 * clients, stop replying (`mute`), go half-open (`goSilent`), send a close frame and linger
 * (`closeAndLinger`), ping the clients (`pingClients`), stop and restart on the same port.
 */
export class TestServer {
  /** Connections accepted since the first start (a restart keeps counting). */
  connections = 0;
  /** Heartbeat messages (`'ping'`) received. */
  pings = 0;
  /** Protocol ping frames received (`heartbeat.protocol` with `ws`). */
  protocolPings = 0;
  /** Text messages received, other than `'ping'`, in arrival order. */
  readonly received: string[] = [];
  /** Binary messages received, as the bytes that arrived, in arrival order. */
  readonly receivedBinary: Uint8Array[] = [];
  /** The subprotocol of each accepted connection, in order (`''` when none was asked for). */
  readonly protocols: string[] = [];
  /** Protocol pong frames received (clients answering `pingClients()`). */
  protocolPongs = 0;
  /**
   * Called after the server has answered a heartbeat `'ping'` (its reply is already written to the
   * socket): a test can stall the process here, with the reply waiting in the client's buffer.
   */
  afterPingReply: (() => void) | null = null;
  /** Milliseconds the answer to a heartbeat `'ping'` takes (0: at once), like a slow network. */
  pingReplyDelay = 0;
  /** While set, upgrade requests are answered 503: the client sees an error, then a close. */
  refuseUpgrades = false;
  /**
   * The longest time two connections were live together. A socket the client abandoned drops at
   * once on its side, but the server may only process that drop after it accepted the next
   * connection: a brief overlap is the network's, a lasting one is a leaked socket.
   */
  longestOverlapMs = 0;
  #overlapSince: number | null = null;
  /** Every close the server saw, in order. */
  readonly closes: ServerSideClose[] = [];
  port = 0;

  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #live = new Set<Connection>();
  /** Every TCP connection, upgraded or not (undici keeps idle ones around for a while). */
  readonly #sockets = new Set<Socket>();
  readonly #pingReply: PingReply;
  #http: Server | null = null;

  private constructor(options: TestServerOptions) {
    this.#pingReply = options.pingReply ?? 'echo';
    if (this.#pingReply === 'pong') {
      // For the server's whole life (it needs no stop: with maxSilence false there is no timer).
      acceptHeartbeats(this.#wss, {
        pong: (ws) => {
          const connection = this.#connectionOf(ws);
          if (connection?.muted) return undefined;
          if (connection && this.pingReplyDelay > 0) {
            this.#replyLater(connection, 'pong'); // the slow network, simulated here
            return undefined;
          }
          return 'pong';
        },
        onPing: () => {
          this.pings++;
          this.afterPingReply?.();
        },
        // Never drop a silent client: goSilent()'s half-open connection must stay up, and the
        // tests drop connections themselves. The drop is tested in integration/server.test.ts.
        maxSilence: false,
      });
    }
  }

  /** Starts a server on an OS-chosen port. */
  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const server = new TestServer(options);
    await server.#listen(0);
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Connections open right now (a half-open one counts until it is dropped). */
  get liveConnections(): number {
    return this.#live.size;
  }

  /** Sends to every connected client. */
  broadcast(data: string | Uint8Array): void {
    for (const connection of this.#live) connection.ws.send(data);
  }

  /** Closes every client with a close frame carrying `code` and `reason`. */
  closeAll(code: number, reason = ''): void {
    for (const connection of this.#live) connection.ws.close(code, reason);
  }

  /** Drops every client's TCP connection without a close frame (the client sees 1006). */
  terminateAll(): void {
    for (const connection of this.#live) connection.ws.terminate();
  }

  /** Sends a protocol ping frame to every connected client (a `ws` client answers with a pong). */
  pingClients(): void {
    for (const connection of this.#live) connection.ws.ping();
  }

  /**
   * Starts the closing handshake with every current client and then lingers: a close frame with
   * `code` and `reason` is written straight to the TCP connection, and the server stops reading,
   * so it never sees the client's reply and never ends the TCP connection. New clients are served.
   */
  closeAndLinger(code: number, reason = ''): void {
    const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason, 'utf8')]);
    if (payload.length > 125) throw new RangeError('closeAndLinger: the reason is too long for a control frame');
    const frame = Buffer.concat([Buffer.from([0x88, payload.length]), payload]);
    for (const connection of this.#live) {
      connection.muted = true;
      connection.tcp.pause();
      connection.tcp.write(frame);
    }
  }

  /** The current clients keep being read, but get no reply: no echo, no pong. */
  mute(): void {
    for (const connection of this.#live) connection.muted = true;
  }

  /**
   * Half-open: the current clients' TCP connections stay up, but the server stops reading them
   * and never replies again — not to messages, not to a close frame. New clients are served.
   */
  goSilent(): void {
    for (const connection of this.#live) {
      connection.muted = true;
      connection.tcp.pause();
    }
  }

  /** The longest overlap of two live connections so far, counting one still going on. */
  get overlapMs(): number {
    const ongoing = this.#overlapSince === null ? 0 : performance.now() - this.#overlapSince;
    return Math.max(this.longestOverlapMs, ongoing);
  }

  /** Listens again on the port it had (if it stopped). */
  async restart(): Promise<void> {
    if (this.#http === null) await this.#listen(this.port);
  }

  /** Back to health: listening, accepting, and reading and answering every connection again. */
  async heal(): Promise<void> {
    this.refuseUpgrades = false;
    await this.restart();
    for (const connection of this.#live) {
      connection.muted = false;
      connection.tcp.resume();
    }
  }

  /** Drops every client and stops listening; resolves once every connection is gone. Idempotent. */
  async stop(): Promise<void> {
    const http = this.#http;
    if (http === null) return;
    this.#http = null;
    this.terminateAll();
    for (const socket of this.#sockets) socket.destroy();
    await closeListener(http);
  }

  async #listen(port: number): Promise<void> {
    const http = createServer((_request, response) => response.writeHead(426).end());
    http.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      // A client that resets the connection (terminate(), an abandoned attempt) is what these
      // tests do on purpose. The HTTP server stops handling a socket's errors once it hands the
      // socket to 'upgrade', so a reset while an upgrade is refused or held would be uncaught.
      socket.on('error', () => {});
    });
    http.on('upgrade', (request, tcp: Duplex, head: Buffer) => {
      if (this.refuseUpgrades) {
        tcp.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
        return;
      }
      this.#wss.handleUpgrade(request, tcp, head, (ws) => {
        this.#accept(ws, tcp);
        this.#wss.emit('connection', ws, request); // as a noServer app does: acceptHeartbeats listens
      });
    });
    this.port = await listen(http, port);
    this.#http = http;
  }

  #accept(ws: WebSocket, tcp: Duplex): void {
    const connection: Connection = { ws, tcp, muted: false };
    this.#live.add(connection);
    this.connections++;
    this.protocols.push(ws.protocol);
    if (this.#live.size > 1) this.#overlapSince ??= performance.now();
    ws.on('message', (data, isBinary) => this.#onMessage(connection, data, isBinary));
    ws.on('ping', () => this.protocolPings++);
    ws.on('pong', () => this.protocolPongs++);
    ws.on('error', () => {});
    ws.on('close', (code, reason) => {
      this.#live.delete(connection);
      if (this.#live.size <= 1 && this.#overlapSince !== null) {
        this.longestOverlapMs = Math.max(this.longestOverlapMs, performance.now() - this.#overlapSince);
        this.#overlapSince = null;
      }
      this.closes.push({ code, reason: reason.toString() });
    });
  }

  #connectionOf(ws: WebSocket): Connection | undefined {
    for (const connection of this.#live) if (connection.ws === ws) return connection;
    return undefined;
  }

  /** Sends a heartbeat answer after `pingReplyDelay` ms, unless muted or closed meanwhile. */
  #replyLater(connection: Connection, reply: string): void {
    setTimeout(() => {
      if (!connection.muted && connection.ws.readyState === connection.ws.OPEN) connection.ws.send(reply);
    }, this.pingReplyDelay);
  }

  #onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    const text = isBinary ? null : wsText(data);
    // With pingReply 'pong', acceptHeartbeats answers the pings: they never arrive here.
    if (text === 'ping' && this.#pingReply === 'echo') {
      this.pings++;
      if (this.pingReplyDelay > 0) this.#replyLater(connection, 'ping');
      else if (!connection.muted) connection.ws.send('ping');
      this.afterPingReply?.();
      return;
    }
    if (text !== null) this.received.push(text);
    else this.receivedBinary.push(new Uint8Array(toBuffer(data)));
    if (!connection.muted) connection.ws.send(data as Buffer, { binary: isBinary });
  }
}

/**
 * A plain TCP server that accepts connections and never says a word: a WebSocket handshake to
 * it hangs until the client gives up. It reads (and discards) so that it notices a client leaving.
 */
export class SilentTcpServer {
  /** Connections that sent a handshake request. */
  handshakes = 0;
  port = 0;
  readonly #server: TcpServer;
  /** Open connections, and whether each has sent anything. */
  readonly #live = new Map<Socket, { spoke: boolean }>();

  private constructor() {
    this.#server = createTcpServer((socket) => {
      const connection = { spoke: false };
      this.#live.set(socket, connection);
      socket.on('error', () => {});
      socket.on('close', () => this.#live.delete(socket));
      socket.on('data', () => {
        if (connection.spoke) return;
        connection.spoke = true;
        this.handshakes++;
      });
    });
  }

  static async start(): Promise<SilentTcpServer> {
    const server = new SilentTcpServer();
    server.port = await listen(server.#server, 0);
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /**
   * Open connections that sent a handshake request. (undici, Node 20's global WebSocket, may
   * open a spare connection that never sends anything: that one is no attempt, and not counted.)
   */
  get pendingHandshakes(): number {
    return [...this.#live.values()].filter((connection) => connection.spoke).length;
  }

  /** Destroys every connection and stops listening. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#server.listening) return;
    for (const socket of this.#live.keys()) socket.destroy();
    await closeListener(this.#server);
  }
}
