/**
 * The harness of the resume campaign: a real `ws` server with the heartbeat's server half, a TCP
 * proxy between it and a real HeartSocket, and both sides streaming numbered messages (`c1`, `c2`,
 * … from the client; `s1`, `s2`, … from the server) while the link is broken in the ways a real
 * network breaks it. What each side's app received is recorded, in order, so that a run can be
 * judged: exactly once and in order, or how many were lost.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket as WsWebSocket } from 'ws';
import { HeartSocket, type HeartSocketOptions } from '../../adapters/HeartSocket.js';
import { acceptHeartbeats, type ServerHeartbeat, type Session, type SessionOptions } from '../../adapters/server/index.js';
import type { SendData } from '../../machine/types.js';
import { TcpProxy } from '../support/proxy.js';

/** The ways a link breaks that the campaign draws from. */
export type LinkFault =
  /** The proxy stops forwarding, both TCP connections stay open: found by the heartbeat. */
  | 'halfOpen'
  /** The proxy destroys both TCP sides at once. */
  | 'hardCut'
  /** The server terminates the client's socket. */
  | 'serverTerminate';

export const LINK_FAULTS: readonly LinkFault[] = ['halfOpen', 'hardCut', 'serverTerminate'];

/** Short timings: a half-open link is found within about 100 ms, a retry follows 10 ms later. */
export const CAMPAIGN_CLIENT_OPTIONS: HeartSocketOptions = {
  WebSocket: WsWebSocket,
  heartbeat: { interval: 50, timeout: 50 },
  reconnect: { delay: 10, minUptime: 60_000, maxRetries: Infinity },
  connectTimeout: 1000,
  closeTimeout: 50,
};

/** The number carried by a stream message (`c12` → 12), or NaN for anything else. */
export function numberOf(data: unknown, prefix: 'c' | 's'): number {
  return typeof data === 'string' && data.startsWith(prefix) ? Number(data.slice(1)) : Number.NaN;
}

/**
 * What a receiver's record says about a stream of `sent` messages numbered from 1: the numbers
 * that arrived twice or out of order (`disorder`), and how many never arrived (`lost`).
 */
export function judgeStream(received: readonly number[], sent: number): { lost: number; disorder: string[] } {
  const disorder: string[] = [];
  let last = 0;
  for (const n of received) {
    if (!(n > last)) disorder.push(`${n} after ${last}`);
    last = Math.max(last, n);
  }
  return { lost: sent - new Set(received).size, disorder };
}

/**
 * The server's side: a `ws` server on 127.0.0.1 whose app streams `s<n>` to its current client and
 * records the `c<n>` it receives. Plain, the app's current client is the latest socket accepted;
 * with `sessions`, the latest session (which outlives its sockets).
 */
export class StreamServer {
  /** The client's numbers, as the server's app received them. */
  readonly received: number[] = [];
  /** Messages the server's app has sent (`s1` … `s<sent>`). */
  sent = 0;
  /** Why each session ended, in order. */
  readonly sessionEnds: string[] = [];
  port = 0;
  #wss: WebSocketServer | null = null;
  #heartbeats: ServerHeartbeat | null = null;
  #current: WsWebSocket | null = null;
  #session: Session | null = null;

  constructor(readonly sessions?: Omit<SessionOptions, 'onSession'>) {}

  async start(port = 0): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port });
    await once(wss, 'listening');
    this.port = (wss.address() as AddressInfo).port;
    this.#wss = wss;
    const record = (data: Buffer, isBinary: boolean): void => {
      if (!isBinary) this.received.push(numberOf(data.toString(), 'c'));
    };
    if (this.sessions === undefined) {
      this.#heartbeats = acceptHeartbeats(wss, { maxSilence: 2000 });
      wss.on('connection', (ws) => {
        this.#current = ws;
        ws.on('message', (data, isBinary) => record(data as Buffer, isBinary));
      });
      return;
    }
    this.#heartbeats = acceptHeartbeats(wss, {
      maxSilence: 2000,
      sessions: {
        ...this.sessions,
        onSession: (session) => {
          this.#session = session;
          session.on('message', (data, isBinary) => record(data as Buffer, isBinary));
          session.on('end', (why) => this.sessionEnds.push(why));
        },
      },
    });
  }

  /** The app sends its next message to its current client (or session). */
  sendNext(): void {
    this.sent++;
    if (this.#session !== null) {
      this.#session.send(`s${this.sent}`);
      return;
    }
    const ws = this.#current;
    if (ws !== null && ws.readyState === WsWebSocket.OPEN) ws.send(`s${this.sent}`);
  }

  terminateCurrent(): void {
    (this.#session?.socket ?? this.#current)?.terminate();
  }

  async stop(): Promise<void> {
    this.#heartbeats?.stop();
    const wss = this.#wss;
    if (wss === null) return;
    this.#wss = null;
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}

/** The client's side: a HeartSocket through the proxy, recording the server's numbers. */
export class StreamClient {
  readonly received: number[] = [];
  sent = 0;
  /** Times the socket opened: a fault has been noticed and got over once this grows. */
  opens = 0;
  readonly undelivered: SendData[] = [];
  readonly socket: HeartSocket;

  constructor(url: string, options: HeartSocketOptions) {
    this.socket = new HeartSocket(url, [], options);
    this.socket.addEventListener('open', () => this.opens++);
    this.socket.addEventListener('message', (event) => this.received.push(numberOf(event.data, 's')));
    this.socket.addEventListener('undelivered', (event) => this.undelivered.push(...event.messages));
  }

  sendNext(): void {
    this.sent++;
    this.socket.send(`c${this.sent}`);
  }

  stop(): void {
    this.socket.actor.stop();
  }
}

/** A small seeded generator (mulberry32), so that a run can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface World {
  server: StreamServer;
  proxy: TcpProxy;
  client: StreamClient;
}

/** Breaks the link one way. */
export function applyFault(world: World, fault: LinkFault): void {
  if (fault === 'halfOpen') world.proxy.stall();
  else if (fault === 'hardCut') world.proxy.cut();
  else world.server.terminateCurrent();
}

/**
 * Streams both ways (or from the client only) for `ms` milliseconds, one message each way every `every` ms. Real time: the
 * faults are real network events, and what the campaign judges is what arrived, not when.
 */
export async function stream(world: World, ms: number, { every = 2, serverToo = true } = {}): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    world.client.sendNext();
    if (serverToo) world.server.sendNext();
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

export async function startWorld(
  clientOptions: HeartSocketOptions,
  sessions?: Omit<SessionOptions, 'onSession'>,
): Promise<World> {
  const server = new StreamServer(sessions);
  await server.start();
  const proxy = await TcpProxy.start(server.port);
  const client = new StreamClient(proxy.url, clientOptions);
  return { server, proxy, client };
}

export async function stopWorld(world: World): Promise<void> {
  world.client.stop();
  await world.proxy.stop();
  await world.server.stop();
}
