// utf8Length against TextEncoder, the definition it stands in for: any UTF-16 text, lone
// surrogates included.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { utf8Length } from '../../adapters/utf8Length.js';

const encoder = new TextEncoder();
/** Any UTF-16 code unit, so that lone and swapped surrogates come up as often as pairs. */
const codeUnit = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd7f0, max: 0xe010 })).map((code) => String.fromCharCode(code));

it('gives the byte length TextEncoder gives, for any text', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ unit: codeUnit }), fc.string({ unit: 'grapheme' })), (text) => {
    expect(utf8Length(text)).toBe(encoder.encode(text).byteLength);
  }));
});

it('counts each width of UTF-8: 1, 2, 3 and 4 bytes, and 3 for a lone surrogate (U+FFFD)', () => {
  expect(['a', 'é', '€', '😀', '\ud800', '\udc00', '\udc00\ud800', '\ud800\ud800\udc00\udc00', ''].map(utf8Length)).toEqual([1, 2, 3, 4, 3, 3, 6, 10, 0]);
});
