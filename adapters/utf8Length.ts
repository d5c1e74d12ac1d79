/**
 * The length of `text` in UTF-8, as `new TextEncoder().encode(text).byteLength` gives it, without
 * encoding it: counting costs no allocation, which matters once per message sent (a lone
 * surrogate counts 3 bytes, as the U+FFFD it is encoded as).
 *
 * @example
 * ```ts
 * utf8Length('é€😀'); // 2 + 3 + 4 = 9
 * ```
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (isHighSurrogate(code) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2; // two UTF-16 units, four bytes
      i += 1;
    } else bytes += 2;
  }
  return bytes;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
