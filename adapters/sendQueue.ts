import type { SendData } from '../machine/types.js';
import { HeartSocketError } from './errors.js';

const encoder = new TextEncoder();

/** The bytes a message adds to `bufferedAmount`. */
export function byteLength(data: SendData): number {
  if (typeof data === 'string') return encoder.encode(data).byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return (data as ArrayBuffer | ArrayBufferView).byteLength;
}

/**
 * The bytes of binary data as they are now: the caller may reuse its buffer as soon as `send()`
 * returns, and a queued message must not change with it. Strings and Blobs cannot change.
 */
export function snapshotOf(data: SendData): SendData {
  if (data instanceof ArrayBuffer) return data.slice(0);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return data;
}

/** Messages sent while disconnected, kept in order until the next open, bounded by `max`. */
export class SendQueue {
  #messages: SendData[] = [];
  #bytes = 0;

  constructor(readonly max: number) {}

  get length(): number {
    return this.#messages.length;
  }

  /** Bytes waiting, as `bufferedAmount` counts them. */
  get bytes(): number {
    return this.#bytes;
  }

  /** @throws {HeartSocketError} `QUEUE_FULL` — the message is not queued, and the caller knows. */
  push(data: SendData): void {
    if (this.#messages.length >= this.max) {
      throw new HeartSocketError(
        'QUEUE_FULL',
        `the send queue is full (queue.max = ${this.max}) while the socket is not open; ` +
          'wait for the open event or raise queue.max.',
      );
    }
    this.#messages.push(snapshotOf(data));
    this.#bytes += byteLength(data);
  }

  /** Removes and returns every queued message, oldest first. */
  drain(): SendData[] {
    const messages = this.#messages;
    this.#messages = [];
    this.#bytes = 0;
    return messages;
  }
}
