/**
 * What the server half knows of one connection: when the client was last heard, and where its
 * latest probe (a protocol ping) stands. A class, so that every connection is one small object of
 * one shape, with no closure of its own (the heap per connection is measured: bench/serverHalf.mjs).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export class Connection {
  /** `performance.now()` of the last sign of life: a frame, or bytes on its TCP socket. */
  lastHeard: number;
  /** `performance.now()` of the last complete frame (a message, a ping or a pong); NaN before the first. */
  lastFrame = NaN;
  /** `performance.now()` when the latest probe was sent; NaN when none is out. */
  probeSentAt = NaN;
  /** `performance.now()` when that probe was really written (`ws.ping()`'s callback); NaN until then. */
  probeWrittenAt = NaN;
  /** Milliseconds from the latest answered probe's write to its pong; NaN before the first. */
  roundTrip = NaN;

  constructor(
    readonly ws: WebSocket,
    /** The TCP (or TLS) socket under `ws`, when it was given: its bytes count as life. */
    readonly socket: Duplex | undefined,
    /** The `emit` the socket had before ours: its class's, or someone else's wrapper. */
    readonly previousEmit: WebSocket['emit'],
    /** Whether that `emit` was an own property of the socket (put back on release, else deleted). */
    readonly hadOwnEmit: boolean,
    at: number,
  ) {
    this.lastHeard = at;
  }

  /** Whether a probe is out and the client has said nothing since it was sent. */
  get probePending(): boolean {
    return this.probeSentAt >= this.lastHeard; // false while probeSentAt is NaN
  }

  /** Whether reading from the client is paused (by `ws` for its backpressure, or by the app). */
  get readingPaused(): boolean {
    return this.ws.isPaused || (this.socket?.isPaused() ?? false);
  }
}
