// The client's tests' scripted server half (the server half's own is tests/support/sessionPeer.ts): a small, scripted server half of docs/protocol.md, on a real `ws` server (127.0.0.1, port 0),
// for the client's tests: it says `hello`, answers `start`/`resume`, counts and acknowledges,
// keeps what it sent until acknowledged and re-sends it on a resume. Its `mode` scripts a plain
// server, a silent one, or a session server that never answers.
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

const DLE = '\u0010';

export type PeerMode = 'session' | 'plain' | 'silent' | 'noAnswer';

export interface PeerSession {
  id: string;
  /** The client's app messages, unescaped, in the order received. */
  received: string[];
  /** Every app message sent, and how many the client acknowledged. */
  sent: string[];
  acked: number;
  socket: WebSocket | null;
}

export class SessionPeer {
  mode: PeerMode = 'session';
  /** Said first by a plain server (`mode: 'plain'`). */
  plainGreeting = 'welcome';
  readonly sessions = new Map<string, PeerSession>();
  /** Every frame from clients, raw, in order. */
  readonly frames: string[] = [];
  /** The URL of each connection, as requested. */
  readonly requests: string[] = [];
  readonly sockets: WebSocket[] = [];
  /** Answer a resume with a failure (the next resume only). */
  failNextResume: string | null = null;
  #nextId = 1;

  private constructor(readonly wss: WebSocketServer) {
    wss.on('connection', (ws, request) => this.#connected(ws, request.url ?? ''));
  }

  static async start(): Promise<SessionPeer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new SessionPeer(wss);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/feed`;
  }

  /** The session of the latest connection. */
  get latest(): PeerSession {
    return [...this.sessions.values()].at(-1)!;
  }

  /** An app message to the session's client: kept until acknowledged, escaped if it must be. */
  send(session: PeerSession, text: string): void {
    session.sent.push(text);
    session.socket?.send(text.startsWith(DLE) ? DLE + text : text);
  }

  /** Drops every client's TCP connection, as a cut link would. */
  cut(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  #connected(ws: WebSocket, url: string): void {
    this.requests.push(url);
    this.sockets.push(ws);
    const flagged = url.includes('heartsocket-session=1');
    if (this.mode === 'plain' || !flagged) {
      ws.send(this.plainGreeting);
      ws.on('message', (data: Buffer) => this.frames.push(data.toString()));
      return;
    }
    if (this.mode === 'silent') {
      ws.on('message', (data: Buffer) => this.frames.push(data.toString()));
      return;
    }
    ws.send(`${DLE}hello 1`);
    let session: PeerSession | null = null;
    ws.on('message', (raw: Buffer) => {
      const data = raw.toString();
      this.frames.push(data);
      if (this.mode === 'noAnswer') return;
      if (data.startsWith(DLE) && !data.startsWith(DLE + DLE)) {
        const [name, ...fields] = data.slice(1).split(' ');
        if (name === 'start') session = this.#begin(ws, null);
        else if (name === 'resume') session = this.#resume(ws, fields[1]!, Number(fields[2]));
        else if (name === 'ack' || name === 'ping') {
          session!.acked = Number(fields[0]);
          if (name === 'ping') ws.send(`${DLE}pong ${session!.received.length}`);
        }
        return;
      }
      session!.received.push(data.startsWith(DLE) ? data.slice(1) : data);
    });
  }

  #begin(ws: WebSocket, reason: string | null): PeerSession {
    const session: PeerSession = { id: `s${this.#nextId++}`, received: [], sent: [], acked: 0, socket: ws };
    this.sessions.set(session.id, session);
    ws.send(`${DLE}session ${session.id}${reason === null ? '' : ` ${reason}`}`);
    return session;
  }

  #resume(ws: WebSocket, id: string, clientReceived: number): PeerSession {
    const session = this.sessions.get(id);
    const failure = this.failNextResume;
    this.failNextResume = null;
    if (session === undefined || failure !== null) return this.#begin(ws, failure ?? 'unknown');
    session.socket = ws;
    session.acked = clientReceived;
    ws.send(`${DLE}resumed ${session.received.length}`);
    for (const text of session.sent.slice(clientReceived)) ws.send(text.startsWith(DLE) ? DLE + text : text);
    return session;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
