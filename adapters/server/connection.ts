/**
 * What the server half knows of one connection: when the client was last heard, and where its
 * latest probe (a protocol ping) stands. A class, so that every connection is one small object of
 * one shape, with no closure of its own (the heap per connection is measured: bench/serverHalf.mjs).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** A time not known (yet): no probe out, no frame yet, no round trip measured. */
export const NONE = -1;

/**
 * Milliseconds since the process started, whole: V8 keeps a whole number below 2³¹ (24 days of
 * uptime) in the object itself, where a fractional one is a separate heap number per field —
 * five of them per connection. Past that, it is still right, only larger.
 */
export const now = (): number => Math.floor(performance.now());

/** The TCP socket's count of bytes received, where the stream has one (`net.Socket#bytesRead`). */
type Counting = Duplex & { readonly bytesRead?: number };

export class Connection {
  /** `now()` of the last sign of life: a frame, or bytes on its TCP socket. */
  lastHeard: number;
  /** `now()` of the last complete frame (a message, a ping or a pong); NONE before the first. */
  lastFrame = NONE;
  /** `now()` when the latest probe was sent; NONE when none is out. */
  probeSentAt = NONE;
  /** `now()` when that probe was really written (`ws.ping()`'s callback); NONE until then. */
  probeWrittenAt = NONE;
  /** Milliseconds from the latest answered probe's write to its pong; NONE before the first. */
  roundTrip = NONE;
  /** The TCP socket's `bytesRead` when the sweep last looked; NONE without one. */
  bytesSeen: number;

  constructor(
    readonly ws: WebSocket,
    /** The TCP (or TLS) socket under `ws`, when it was given: its bytes count as life. */
    readonly socket: Counting | undefined,
    at: number,
  ) {
    this.lastHeard = at;
    this.bytesSeen = typeof socket?.bytesRead === 'number' ? socket.bytesRead : NONE;
  }

  /** Whether a probe is out and the client has said nothing since it was sent. */
  get probePending(): boolean {
    return this.probeSentAt !== NONE && this.probeSentAt >= this.lastHeard;
  }

  /** Whether reading from the client is paused (by `ws` for its backpressure, or by the app). */
  get readingPaused(): boolean {
    return this.ws.isPaused || (this.socket?.isPaused() ?? false);
  }

  /**
   * Whether bytes arrived since the last look — a frame not yet complete (a long upload) is life
   * too. Read from the TCP socket's own count at each sweep: no listener, nothing per chunk.
   */
  heardBytes(): boolean {
    if (this.bytesSeen === NONE) return false;
    const bytes = this.socket!.bytesRead!;
    if (bytes === this.bytesSeen) return false;
    this.bytesSeen = bytes;
    return true;
  }
}
