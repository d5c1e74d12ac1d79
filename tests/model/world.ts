/**
 * The real world a model path runs in: a `ws` server on 127.0.0.1 whose every upgrade waits for
 * the test to accept or refuse it, a clock whose timers fire only when a step says so, a url
 * function the step answers, and the host's online/offline signal.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsText } from '../support/text.js';

interface HeldUpgrade {
  request: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

/** A `ws` server that holds each upgrade until `accept()` or `refuse()`. */
export class HoldingServer {
  readonly http: Server = createServer();
  readonly wss = new WebSocketServer({ noServer: true });
  readonly held: HeldUpgrade[] = [];
  readonly connections = new Set<WebSocket>();
  /** Every connection the server ever accepted. */
  accepted = 0;
  /** `'ping'` messages received, over all connections. */
  pings = 0;
  messages: string[] = [];

  constructor() {
    this.http.on('upgrade', (request, socket, head) => {
      const upgrade = { request, socket, head };
      this.held.push(upgrade);
      // A client that resets a held upgrade (terminate()) is part of the model: not an uncaught error.
      socket.on('error', () => {});
      // A client that gives up (connect timeout, close()) takes its request away.
      socket.on('close', () => {
        const index = this.held.indexOf(upgrade);
        if (index >= 0) this.held.splice(index, 1);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/`;
  }

  async accept(): Promise<WebSocket> {
    const upgrade = this.held.shift();
    if (upgrade === undefined) throw new Error('no upgrade request to accept');
    const ws = await new Promise<WebSocket>((resolve) =>
      this.wss.handleUpgrade(upgrade.request, upgrade.socket, upgrade.head, resolve),
    );
    this.accepted++;
    this.connections.add(ws);
    ws.on('message', (data) => {
      const text = wsText(data);
      if (text === 'ping') this.pings++;
      else this.messages.push(text);
    });
    ws.on('close', () => this.connections.delete(ws));
    return ws;
  }

  refuse(): void {
    const upgrade = this.held.shift();
    if (upgrade === undefined) throw new Error('no upgrade request to refuse');
    upgrade.socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
  }

  /** The connection to the client, if there is exactly one. */
  get connection(): WebSocket {
    const [only, ...more] = this.connections;
    if (only === undefined || more.length > 0) throw new Error(`expected one connection, found ${this.connections.size}`);
    return only;
  }

  async stop(): Promise<void> {
    for (const upgrade of this.held.splice(0)) upgrade.socket.destroy();
    for (const ws of this.connections) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

interface Timer {
  id: number;
  due: number;
  ms: number;
  callback: () => void;
}

/**
 * A clock whose timers never fire on their own: a step fires the one timer the model chose,
 * moving time to its due moment. Timers due earlier stay pending; the model decides what happens.
 */
export class StepClock {
  #now = 0;
  #nextId = 1;
  readonly timers = new Map<number, Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = this.#nextId++;
    this.timers.set(id, { id, due: this.#now + ms, ms, callback });
    return id;
  }

  clearTimeout(id: number): void {
    this.timers.delete(id);
  }

  /** The pending timer of `ms` milliseconds (the latest, if several). */
  pending(ms: number): Timer {
    const matches = [...this.timers.values()].filter((timer) => timer.ms === ms);
    const timer = matches.at(-1);
    if (timer === undefined) throw new Error(`no pending ${ms} ms timer (pending: ${[...this.timers.values()].map((t) => t.ms).join(', ')})`);
    return timer;
  }

  /** Moves time on, without firing anything. */
  advanceBy(ms: number): void {
    this.#now += Math.max(0, ms);
  }

  /** Moves time to the timer's due moment, without firing anything. */
  advanceTo(timer: Timer): void {
    this.#now = Math.max(this.#now, timer.due);
  }

  fire(timer: Timer): void {
    this.advanceTo(timer);
    this.timers.delete(timer.id);
    timer.callback();
  }
}

/** The url option, answered by the step that needs the connection attempt to go on. */
export class UrlDesk {
  #requests: ((url: string) => void)[] = [];
  asked = 0;

  readonly url = (): Promise<string> =>
    new Promise((resolve) => {
      this.asked++;
      this.#requests.push(resolve);
    });

  get waiting(): boolean {
    return this.#requests.length > 0;
  }

  answer(url: string): void {
    const resolve = this.#requests.shift();
    if (resolve === undefined) throw new Error('no url request to answer');
    resolve(url);
  }
}

/** The host's online/offline signal, as a browser has it (Node 20 has none). */
export class NetworkHost extends EventTarget {
  #saved: { navigator?: PropertyDescriptor; add?: PropertyDescriptor; remove?: PropertyDescriptor } = {};

  #navigator = { onLine: true };

  install(status: 'online' | 'offline' = 'online'): void {
    this.#navigator = { onLine: status === 'online' };
    this.#saved = {
      navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator'),
      add: Object.getOwnPropertyDescriptor(globalThis, 'addEventListener'),
      remove: Object.getOwnPropertyDescriptor(globalThis, 'removeEventListener'),
    };
    Object.defineProperty(globalThis, 'navigator', { value: this.#navigator, configurable: true });
    Object.defineProperty(globalThis, 'addEventListener', { value: this.addEventListener.bind(this), configurable: true });
    Object.defineProperty(globalThis, 'removeEventListener', { value: this.removeEventListener.bind(this), configurable: true });
  }

  uninstall(): void {
    const restore = (key: string, descriptor: PropertyDescriptor | undefined) => {
      if (descriptor) Object.defineProperty(globalThis, key, descriptor);
      else delete (globalThis as Record<string, unknown>)[key];
    };
    restore('navigator', this.#saved.navigator);
    restore('addEventListener', this.#saved.add);
    restore('removeEventListener', this.#saved.remove);
  }

  go(status: 'online' | 'offline'): void {
    this.#navigator.onLine = status === 'online';
    this.dispatchEvent(new Event(status));
  }
}
