/**
 * Real servers for the visualization tests, on 127.0.0.1 with an OS-chosen port: a `ws` server
 * that answers the heartbeat's `'ping'` with `'pong'` and can drop its clients or go half-open.
 */
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export class PongServer {
  /** Connections accepted so far. */
  connections = 0;
  readonly #wss: WebSocketServer;
  readonly #clients = new Set<WebSocket>();

  private constructor(wss: WebSocketServer) {
    this.#wss = wss;
    wss.on('connection', (ws) => {
      this.connections += 1;
      this.#clients.add(ws);
      ws.on('close', () => this.#clients.delete(ws));
      ws.on('error', () => {});
      ws.on('message', (data) => {
        if (String(data) === 'ping') ws.send('pong');
      });
    });
  }

  static async start(): Promise<PongServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    return new PongServer(wss);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#wss.address() as AddressInfo).port}`;
  }

  /** Drops every connection at once (TCP reset, no close frame): the client sees 1006. */
  dropAll(): void {
    for (const ws of this.#clients) ws.terminate();
  }

  /**
   * Half-open: every current connection stays up but nothing more is read or answered, as when
   * the peer vanished without a FIN. New connections are accepted and served normally.
   */
  goSilent(): void {
    for (const ws of this.#clients) {
      (ws as unknown as { _socket: Duplex })._socket.pause();
      ws.removeAllListeners('message');
    }
  }

  async close(): Promise<void> {
    for (const ws of this.#clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

/** Polls `check` until it returns a value other than `undefined`/`false`, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Consecutive repeats removed: `a a b a` → `a b a`. */
export function dedupe<T>(values: readonly T[]): T[] {
  return values.filter((value, index) => index === 0 || value !== values[index - 1]);
}
