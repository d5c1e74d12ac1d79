// How a `ws` text message's bytes become its string (adapters/socketActor.ts): exactly as
// `buffer.toString()` decodes them, through Node's `utf8Slice` or, where a runtime's Buffer lacks
// it, through `toString()`.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeText } from '../../adapters/socketActor.js';

describe('decodeText', () => {
  afterEach(() => vi.restoreAllMocks());

  it('decodes any bytes as buffer.toString() does: multi-byte characters, invalid sequences, empty', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        expect(decodeText(buffer)).toBe(buffer.toString());
      }),
    );
    for (const text of ['', 'héllo', '日本語', '👋🏽']) expect(decodeText(Buffer.from(text))).toBe(text);
    expect(decodeText(Buffer.from([0xe6, 0x97]))).toBe('\ufffd');
  });

  it("reads only the buffer's own bytes, not the rest of the pool it is a view of", () => {
    const pool = Buffer.from('xxhelloyy');
    expect(decodeText(pool.subarray(2, 7))).toBe('hello');
  });

  it("uses Node's utf8Slice, what toString() calls, where Buffer has it", () => {
    const slice = vi.spyOn(Buffer.prototype as Buffer & { utf8Slice(start: number, end: number): string }, 'utf8Slice');
    expect(decodeText(Buffer.from('hi'))).toBe('hi');
    expect(slice).toHaveBeenCalledWith(0, 2);
  });

  it.each([
    ['no Buffer at all', undefined],
    ['a Buffer without utf8Slice', function OtherBuffer() {}],
  ])('falls back to toString() where the runtime has %s', async (_case, OtherBuffer) => {
    const buffer = Buffer.from('héllo'); // a real one, made before the module looks at the global
    const toString = vi.spyOn(buffer, 'toString');
    vi.stubGlobal('Buffer', OtherBuffer);
    try {
      vi.resetModules();
      const fresh = await import('../../adapters/socketActor.js');
      expect(fresh.decodeText(buffer)).toBe('héllo');
      expect(toString).toHaveBeenCalledTimes(1);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
