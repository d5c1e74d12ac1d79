/**
 * The messages a session wrote and the client has not acknowledged yet, bounded in messages and
 * bytes: they are re-sent after a resume, and dropped when the client acknowledges them.
 */

/** One message written into the session, as it went on the wire (text already escaped). */
export interface Written {
  readonly data: string | Buffer | ArrayBuffer | ArrayBufferView;
  readonly binary: boolean;
  readonly size: number;
}

export class Outbox {
  /** Messages the client has acknowledged: the first kept one is number `acked + 1`. */
  acked = 0;
  /** The bytes kept. */
  bytes = 0;
  /** Kept messages, from `head` on (the ones before it are acknowledged, waiting to be compacted). */
  #kept: Written[] = [];
  #head = 0;

  /** How many are kept. */
  get length(): number {
    return this.#kept.length - this.#head;
  }

  /** Whether one more message of `size` bytes stays within `maxMessages` and `maxBytes`. */
  fits(size: number, maxMessages: number, maxBytes: number): boolean {
    return this.length < maxMessages && this.bytes + size <= maxBytes;
  }

  push(message: Written): void {
    this.#kept.push(message);
    this.bytes += message.size;
  }

  /** The client has received the first `count` messages: they are dropped. `count` is ≤ `acked + length`. */
  ackUpTo(count: number): void {
    while (this.acked < count) {
      this.bytes -= this.#kept[this.#head]!.size;
      this.#kept[this.#head++] = undefined as unknown as Written; // let it go now
      this.acked++;
    }
    // Compacted when half is dead: shift() on every ack would be quadratic for a long buffer.
    if (this.#head > 0 && this.#head * 2 >= this.#kept.length) {
      this.#kept = this.#kept.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The kept messages after the client's first `received`, in order. */
  *after(received: number): IterableIterator<Written> {
    for (let i = this.#head + (received - this.acked); i < this.#kept.length; i++) yield this.#kept[i]!;
  }

  clear(): void {
    this.#kept = [];
    this.#head = 0;
    this.bytes = 0;
  }
}
