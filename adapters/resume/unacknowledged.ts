import { HeartSocketError } from '../errors.js';
import { byteLength, snapshotOf } from '../sendQueue.js';
import { utf8Length } from '../utf8Length.js';
import type { SendData } from '../../machine/types.js';

/**
 * The messages written into the session and not yet acknowledged, oldest first, numbered
 * implicitly: the last is number `sent`, the first `sent - length + 1`. Bounded by messages and
 * bytes; the bound is checked before a message is taken (`admit`), so nothing is dropped.
 */
export class UnacknowledgedBuffer {
  #frames: SendData[] = [];
  #sizes: number[] = [];
  /** Index of the oldest kept message in the arrays (acknowledged ones are dropped lazily). */
  #head = 0;
  #bytes = 0;
  /** Messages written into the session so far: the number of the newest. */
  sent = 0;

  constructor(
    readonly maxMessages: number,
    readonly maxBytes: number,
  ) {}

  get length(): number {
    return this.#frames.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** @throws {HeartSocketError} `QUEUE_FULL` when `data`, after what is kept and queued, would pass the bound. */
  admit(data: SendData, queuedMessages: number, queuedBytes: number): void {
    const messages = this.length + queuedMessages + 1;
    const bytes = this.#bytes + queuedBytes + sizeOf(data);
    if (messages <= this.maxMessages && bytes <= this.maxBytes) return;
    const bound = messages > this.maxMessages ? `maxMessages = ${this.maxMessages}` : `maxBytes = ${this.maxBytes}`;
    throw new HeartSocketError(
      'QUEUE_FULL',
      `the session's unacknowledged messages would pass resumable({ ${bound} }): ${this.length} unacknowledged, ` +
        `${queuedMessages} queued; the message was not sent. Wait for the server's acknowledgements, or raise the bound.`,
    );
  }

  /** A message written: kept (binary copied: the caller may reuse its buffer) under the next number. */
  push(frame: SendData): void {
    const size = sizeOf(frame);
    this.#frames.push(snapshotOf(frame));
    this.#sizes.push(size);
    this.#bytes += size;
    this.sent += 1;
  }

  /** The server's app has received `count` messages: those are dropped. False if the count is impossible. */
  acknowledge(count: number): boolean {
    if (count > this.sent) return false;
    let drop = count - (this.sent - this.length);
    while (drop > 0) {
      this.#bytes -= this.#sizes[this.#head]!;
      this.#frames[this.#head] = undefined!;
      this.#head += 1;
      drop -= 1;
    }
    // Compact now and then: the arrays do not grow without end on a long session.
    if (this.#head > 64 && this.#head * 2 > this.#frames.length) {
      this.#frames = this.#frames.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
    return true;
  }

  /** The kept frames, oldest first (for a re-send). */
  frames(): SendData[] {
    return this.#frames.slice(this.#head);
  }

  /** Empties the buffer and starts numbering again (a new session); returns what was kept. */
  reset(): SendData[] {
    const frames = this.frames();
    this.#frames = [];
    this.#sizes = [];
    this.#head = 0;
    this.#bytes = 0;
    this.sent = 0;
    return frames;
  }
}

/**
 * `byteLength`, with text counted rather than encoded: this runs twice for every message sent
 * with `resume` on (the bound, then the buffer), and `TextEncoder` would allocate a copy each time.
 */
function sizeOf(data: SendData): number {
  return typeof data === 'string' ? utf8Length(data) : byteLength(data);
}
