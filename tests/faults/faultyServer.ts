/**
 * A `ws` server on 127.0.0.1 that can misbehave on command: die and come back on the same port,
 * go half-open (keep TCP, stop reading and replying), refuse upgrades, close with any code.
 * It watches the one invariant only a server can see: never two live connections from a client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export class FaultyServer {
  readonly wss = new WebSocketServer({ noServer: true });
  readonly connections = new Set<WebSocket>();
  readonly received: number[] = [];
  /** The most connections ever live at once. */
  peakConnections = 0;
  /**
   * The longest time two connections were live together. A socket the client abandoned drops at
   * once on its side, but the server may only process that drop after it accepted the next
   * connection: a brief overlap is the network's, a lasting one is a leaked socket.
   */
  longestOverlapMs = 0;
  #overlapSince: number | null = null;
  accepted = 0;
  refusing = false;
  #http: Server | null = null;
  #port = 0;
  readonly #sockets = new Set<Socket>();

  async start(): Promise<string> {
    await this.#listen();
    this.#port = (this.#http!.address() as AddressInfo).port;
    return `ws://127.0.0.1:${this.#port}/`;
  }

  #listen(): Promise<void> {
    const http = createServer();
    http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    http.on('upgrade', (request, socket, head) => {
      if (this.refusing) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.#adopt(ws));
    });
    this.#http = http;
    return new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.#port, '127.0.0.1', () => resolve());
    });
  }

  #adopt(ws: WebSocket): void {
    this.accepted++;
    this.connections.add(ws);
    this.peakConnections = Math.max(this.peakConnections, this.connections.size);
    if (this.connections.size > 1) this.#overlapSince ??= performance.now();
    ws.on('message', (data) => {
      const text = String(data);
      if (text === 'ping') ws.send('pong');
      else this.received.push(Number(text));
    });
    ws.on('close', () => {
      this.connections.delete(ws);
      if (this.connections.size <= 1) this.#endOverlap();
    });
  }

  #endOverlap(): void {
    if (this.#overlapSince === null) return;
    this.longestOverlapMs = Math.max(this.longestOverlapMs, performance.now() - this.#overlapSince);
    this.#overlapSince = null;
  }

  /** The longest overlap so far, counting one still going on. */
  get overlapMs(): number {
    const ongoing = this.#overlapSince === null ? 0 : performance.now() - this.#overlapSince;
    return Math.max(this.longestOverlapMs, ongoing);
  }

  /** The process dies: every connection drops without a close frame, nothing listens. */
  async kill(): Promise<void> {
    const http = this.#http;
    this.#http = null;
    for (const ws of this.connections) ws.terminate();
    for (const socket of this.#sockets) socket.destroy();
    if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  async restart(): Promise<void> {
    if (this.#http === null) await this.#listen();
  }

  /** Half-open: TCP stays up, but nothing is read or answered any more. */
  goSilent(): void {
    for (const ws of this.connections) (ws as unknown as { _socket: Socket })._socket.pause();
  }

  /** Back to health: listening, accepting, and reading every connection again. */
  async heal(): Promise<void> {
    this.refusing = false;
    await this.restart();
    for (const ws of this.connections) (ws as unknown as { _socket: Socket })._socket.resume();
  }

  closeAll(code: number): void {
    for (const ws of this.connections) {
      if (code === 1006) ws.terminate();
      else ws.close(code, 'server says so');
    }
  }

  async stop(): Promise<void> {
    await this.kill();
    this.wss.close();
  }
}
