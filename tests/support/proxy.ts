/**
 * A TCP proxy on 127.0.0.1 in front of a server, for what a network does to a connection:
 * `latency` delays every chunk (each way), `throttle` caps what the client sends (bytes a
 * second), and `freeze()` stops it forwarding anything in either direction, FIN included, while
 * it keeps both TCP connections open: to the server, the client has vanished without a word.
 * `stall()` does that to the connections open now only (a half-open link; later ones pass), and
 * `cut()` destroys both sides of the connections open now (a hard drop; later ones pass).
 */
import { once } from 'node:events';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { onCleanup } from './client.js';

export interface ProxyOptions {
  /** Milliseconds each chunk waits, each way (a round trip takes twice this). Default 0. */
  latency?: number;
  /** Bytes a second the proxy forwards from the client to the server. Default: as fast as it comes. */
  throttle?: number;
}

/** How often a throttled direction forwards its share. */
const THROTTLE_TICK = 50;

/** One proxied connection: the client's TCP socket and the proxy's to the server. */
interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Set by `stall()`: this pair forwards nothing more. */
  stalled: boolean;
}

export class TcpProxy {
  port = 0;
  /** Connections the server ended (its side of a pair closed). */
  upstreamClosed = 0;
  #frozen = false;
  readonly #sockets = new Set<Socket>();
  /** The client/server pairs open now, each with its own stalled flag. */
  readonly #pairs = new Set<Pair>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #server = createTcpServer((client) => {
    const upstream = connect(this.targetPort, '127.0.0.1');
    const pair: Pair = { client, upstream, stalled: false };
    this.#pairs.add(pair);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.#sockets.delete(socket);
        this.#pairs.delete(pair);
      });
    }
    const toServer =
      this.options.throttle === undefined ? this.#forward(upstream, pair) : this.#throttled(upstream, this.options.throttle, pair);
    const toClient = this.#forward(client, pair);
    client.on('data', toServer);
    upstream.on('data', toClient);
    client.on('close', () => this.#isBlocked(pair) || upstream.destroy());
    upstream.on('close', () => {
      this.upstreamClosed++;
      if (!this.#isBlocked(pair)) client.destroy();
    });
  });

  private constructor(
    readonly targetPort: number,
    readonly options: ProxyOptions,
  ) {}

  static async start(targetPort: number, options: ProxyOptions = {}): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort, options);
    proxy.#server.listen(0, '127.0.0.1');
    await once(proxy.#server, 'listening');
    proxy.port = (proxy.#server.address() as AddressInfo).port;
    onCleanup(() => proxy.stop());
    return proxy;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  freeze(): void {
    this.#frozen = true;
  }

  /** Half-open: the connections open now forward nothing more, FIN included, and stay open. */
  stall(): void {
    for (const pair of this.#pairs) pair.stalled = true;
  }

  /** A hard drop: both TCP sides of every connection open now are destroyed at once. */
  cut(): void {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
  }

  /** Connections open now (a stalled one counts until its sockets are destroyed). */
  get openConnections(): number {
    return this.#pairs.size;
  }

  #isBlocked(pair: Pair): boolean {
    return this.#frozen || pair.stalled;
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #later(ms: number, run: () => void): void {
    if (ms <= 0) return run();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  /** Writes each chunk to `to` after the latency (in order: every chunk waits as long). */
  #forward(to: Socket, pair: Pair): (chunk: Buffer) => void {
    return (chunk) => this.#later(this.options.latency ?? 0, () => this.#isBlocked(pair) || to.destroyed || to.write(chunk));
  }

  /** Writes to `to` at most `bytesPerSecond`, in a share every THROTTLE_TICK ms. */
  #throttled(to: Socket, bytesPerSecond: number, pair: Pair): (chunk: Buffer) => void {
    const share = Math.max(1, Math.round((bytesPerSecond * THROTTLE_TICK) / 1000));
    const queue: Buffer[] = [];
    let ticking = false;
    const tick = (): void => {
      let budget = share;
      while (budget > 0 && queue.length > 0) {
        const head = queue[0]!;
        const piece = head.subarray(0, budget);
        budget -= piece.length;
        if (piece.length === head.length) queue.shift();
        else queue[0] = head.subarray(piece.length);
        if (!this.#isBlocked(pair) && !to.destroyed) to.write(piece);
      }
      if (queue.length === 0) ticking = false;
      else this.#later(THROTTLE_TICK, tick);
    };
    return (chunk) => {
      queue.push(chunk);
      if (ticking) return;
      ticking = true;
      this.#later(THROTTLE_TICK, tick);
    };
  }
}
