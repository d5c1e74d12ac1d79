/**
 * A scripted session client for the server half's tests: a real `ws` client speaking
 * docs/protocol.md from the test, frame by frame (the lead reuses it for the end-to-end harness).
 * It records every frame it gets, in order, and lets the test await the next ones.
 */
import { once } from 'node:events';
import WebSocket, { type RawData } from 'ws';
import { onCleanup } from './client.js';
import { DEFAULT_WAIT } from './wait.js';

/** U+0010, the first character of a control frame. */
export const DLE = '\u0010';

/** A frame as the peer got it: text as it came (control frames with their U+0010), binary as `binary:<utf8>`. */
export type Frame = string;

export interface Closed {
  code: number;
  reason: string;
}

export class SessionPeer {
  /** Every frame received, in order. */
  readonly frames: Frame[] = [];
  /** Set when the socket closed. */
  closed: Closed | undefined;
  #read = 0;
  #waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      this.frames.push(isBinary ? `binary:${bytes.toString()}` : bytes.toString());
      this.#wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
    ws.on('error', () => {});
  }

  /**
   * Connects to `url`, with `heartsocket-session=1` in the query unless `flag` is false; closed
   * (terminated) on cleanup.
   */
  static async connect(url: string, { flag = true } = {}): Promise<SessionPeer> {
    const ws = new WebSocket(flag ? `${url}/?heartsocket-session=1` : url);
    const peer = new SessionPeer(ws);
    onCleanup(() => ws.terminate());
    await once(ws, 'open');
    return peer;
  }

  /** `␐hello 1` expected first, then `␐start 1` sent: resolves with the new session's id. */
  static async start(url: string): Promise<{ peer: SessionPeer; id: string }> {
    const peer = await SessionPeer.connect(url);
    await peer.expect(`${DLE}hello 1`);
    peer.control('start', 1);
    const [name, id] = (await peer.next()).slice(1).split(' ');
    if (name !== 'session' || id === undefined) throw new Error(`expected a session frame, got ${peer.frames.at(-1)}`);
    return { peer, id };
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Sends a control frame `␐name fields…`. */
  control(name: string, ...fields: (string | number)[]): void {
    this.ws.send([`${DLE}${name}`, ...fields].join(' '));
  }

  /** Sends raw text (an app frame, or anything a test wants to try). */
  send(data: string | Buffer, binary = typeof data !== 'string'): void {
    this.ws.send(data, { binary });
  }

  /** The next frame not read yet (waits for it, at most `timeout` ms). */
  async next(timeout = DEFAULT_WAIT): Promise<Frame> {
    const deadline = performance.now() + timeout;
    while (this.#read >= this.frames.length) {
      if (this.closed !== undefined) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) after ${JSON.stringify(this.frames)}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for a frame after ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames[this.#read++]!;
  }

  /** The next `count` frames. */
  async take(count: number): Promise<Frame[]> {
    const frames: Frame[] = [];
    for (let i = 0; i < count; i++) frames.push(await this.next());
    return frames;
  }

  /** Reads the next frame and checks that it is `frame`. */
  async expect(frame: Frame): Promise<void> {
    const got = await this.next();
    if (got !== frame) throw new Error(`expected ${JSON.stringify(frame)}, got ${JSON.stringify(got)} (frames ${JSON.stringify(this.frames)})`);
  }

  /** Waits for the socket to close; its code and reason. */
  async waitClosed(timeout = DEFAULT_WAIT): Promise<Closed> {
    const deadline = performance.now() + timeout;
    while (this.closed === undefined) {
      if (performance.now() > deadline) throw new Error(`not closed after ${timeout} ms; frames ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closed;
  }
}
