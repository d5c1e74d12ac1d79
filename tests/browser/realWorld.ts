/**
 * What tests/browser/realWorld.test.ts needs besides a browser and the bundle's page
 * (bundlePage.ts): a `ws` server whose answer to a heartbeat ping the test can hold back, and a way
 * to suspend the whole Chromium (every process of it) as an operating system suspends an app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsText } from '../support/text.js';
import { sleep } from '../support/wait.js';

// ---------------------------------------------------------------------------------------------
// The peer.

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** A heartbeat ping the server has received and not answered yet. */
export interface HeldPing {
  /** Sends the `'pong'` now. */
  answer(): void;
}

interface Connection {
  readonly ws: WebSocket;
  readonly tcp: Duplex;
  silent: boolean;
}

/**
 * A `ws` server on 127.0.0.1 that answers the heartbeat message `'ping'` with `'pong'` at once —
 * unless the test asked to hold the next one (`holdNextPing()`): then the test decides when (and
 * whether) the pong goes out. Unlike tests/support/server.ts's TestServer, whose reply leaves
 * in the same call that reads the ping, this lets a test act between the two.
 */
export class PongServer {
  /** Upgrade requests received: every connection attempt that reached the server. */
  upgrades = 0;
  /** Heartbeat pings received. */
  pings = 0;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #live = new Set<Connection>();
  readonly #http: Server;
  #hold: ((ping: HeldPing) => void) | null = null;
  port = 0;

  private constructor() {
    this.#http = createServer((_request, response) => response.writeHead(426).end());
    this.#http.on('upgrade', (request, tcp: Duplex, head: Buffer) => {
      this.upgrades++;
      tcp.on('error', () => {}); // a reset by the browser is what these tests provoke
      this.#wss.handleUpgrade(request, tcp, head, (ws) => this.#accept(ws, tcp));
    });
  }

  static async start(): Promise<PongServer> {
    const server = new PongServer();
    server.port = await listen(server.#http);
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Resolves with the next ping, unanswered: the caller answers it (or never does). */
  holdNextPing(): Promise<HeldPing> {
    return new Promise((resolve) => {
      this.#hold = resolve;
    });
  }

  /**
   * Half-open: the current connections stay up at the TCP level, but nothing more is read or
   * answered — no pong, no reply to a close frame. New connections are served normally.
   */
  goSilent(): void {
    for (const connection of this.#live) {
      connection.silent = true;
      connection.tcp.pause();
    }
  }

  /** Drops every connection and stops listening. */
  async stop(): Promise<void> {
    for (const { ws } of this.#live) ws.terminate();
    this.#http.closeAllConnections();
    await new Promise((resolve) => this.#http.close(resolve));
  }

  #accept(ws: WebSocket, tcp: Duplex): void {
    const connection: Connection = { ws, tcp, silent: false };
    this.#live.add(connection);
    ws.on('error', () => {});
    ws.on('close', () => this.#live.delete(connection));
    ws.on('message', (data, isBinary) => {
      if (isBinary || wsText(data) !== 'ping') return;
      this.pings++;
      const answer = () => {
        if (!connection.silent && ws.readyState === ws.OPEN) ws.send('pong');
      };
      const hold = this.#hold;
      this.#hold = null;
      if (hold === null) answer();
      else hold({ answer });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Suspending Chromium: SIGSTOP/SIGCONT to its whole process group.

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  /** `T` while stopped. */
  state: string;
  cmdline: string;
}

function processInfo(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (in parentheses) may hold spaces: the fields start after its closing one.
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return { pid, ppid: Number(ppid), pgrp: Number(pgrp), state: state!, cmdline };
  } catch {
    return null; // gone meanwhile
  }
}

function allProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => processInfo(Number(name)))
    .filter((info): info is ProcessInfo => info !== null);
}

/**
 * The Chromium that this process launched (playwright starts it with `--remote-debugging-pipe`,
 * as the leader of a process group of its own) and every process in that group: zygotes, the
 * network service, the GPU process, the renderers.
 */
export function chromiumProcessGroup(): { leader: number; members: ProcessInfo[] } {
  const processes = allProcesses();
  const browsers = processes.filter(
    (p) => p.ppid === process.pid && p.pgrp === p.pid && p.cmdline.includes('--remote-debugging-pipe'),
  );
  if (browsers.length !== 1) {
    throw new Error(`expected one Chromium launched by this process, found ${browsers.length}`);
  }
  const leader = browsers[0]!.pid;
  return { leader, members: processes.filter((p) => p.pgrp === leader) };
}

/**
 * Suspends all of Chromium at once, as an OS suspends an app, and resolves once the kernel shows
 * every process of it stopped. Returns the number of processes stopped and `resume()`, which is
 * safe to call more than once (and must be called, in a `finally`).
 */
export async function suspendChromium(): Promise<{ processes: number; resume(): void }> {
  const { leader, members } = chromiumProcessGroup();
  let resumed = false;
  const resume = () => {
    if (resumed) return;
    resumed = true;
    process.kill(-leader, 'SIGCONT');
  };
  process.kill(-leader, 'SIGSTOP');
  try {
    const deadline = performance.now() + 2000;
    for (;;) {
      const running = members.map((p) => processInfo(p.pid)).filter((p) => p !== null && p.state !== 'T');
      if (running.length === 0) break;
      if (performance.now() > deadline) throw new Error(`Chromium processes not stopped: ${running.map((p) => p!.pid).join(',')}`);
      await sleep(5);
    }
  } catch (error) {
    resume();
    throw error;
  }
  return { processes: members.length, resume };
}

/** A last resort for cleanup: continues every stopped process this process launched, if any. */
export function resumeStoppedChildren(): void {
  for (const p of allProcesses()) {
    if (p.state !== 'T') continue;
    // Ours: a descendant of this process (walk the parents up).
    for (let parent = p.ppid; parent > 1; parent = processInfo(parent)?.ppid ?? 0) {
      if (parent === process.pid) {
        process.kill(p.pid, 'SIGCONT');
        break;
      }
    }
  }
}
