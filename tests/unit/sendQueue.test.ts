import { describe, expect, it } from 'vitest';
import { HeartSocketError } from '../../adapters/errors.js';
import { SendQueue } from '../../adapters/sendQueue.js';

describe('SendQueue', () => {
  it('keeps messages in order and counts their bytes', () => {
    const queue = new SendQueue(10);
    queue.push('héllo'); // 6 bytes of UTF-8
    queue.push(new Uint8Array(4));
    queue.push(new Blob(['abc']));
    expect(queue.bytes).toBe(13);
    expect(queue.drain().map((m) => (typeof m === 'string' ? m : m.constructor.name))).toEqual([
      'héllo',
      'Uint8Array',
      'Blob',
    ]);
    expect(queue.bytes).toBe(0);
    expect(queue.length).toBe(0);
  });

  it('refuses the message past max with QUEUE_FULL, keeping the others', () => {
    const queue = new SendQueue(2);
    queue.push('a');
    queue.push('b');
    let error: unknown;
    try {
      queue.push('c');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeartSocketError);
    expect((error as HeartSocketError).code).toBe('QUEUE_FULL');
    expect((error as Error).message).toMatch(/queue\.max = 2/);
    expect(queue.drain()).toEqual(['a', 'b']);
  });
});
