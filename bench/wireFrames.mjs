// WebSocket frames read off raw TCP bytes, for the resume benchmarks: a server that counts the
// client's frames without `ws`'s parser, and a proxy that weighs every frame each way. Only what
// they need: a frame's opcode, its size on the wire, and its first payload byte (unmasked), which
// tells a session's control frame (U+0010) from an app message.

/** U+0010 (DLE): the first character of a session's control frames (docs/protocol.md). */
export const CONTROL = 0x10;

/**
 * A reader of one direction of one connection: `push(chunk)` as bytes arrive; `onFrame` is called
 * once per whole frame with `{ opcode, wireBytes, first }` (`first`: the first payload byte, or -1).
 */
export function frameReader(onFrame) {
  let pending = Buffer.alloc(0);
  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      for (;;) {
        if (pending.length - offset < 2) break;
        const opcode = pending[offset] & 0x0f;
        const masked = (pending[offset + 1] & 0x80) !== 0;
        let length = pending[offset + 1] & 0x7f;
        let header = 2;
        if (length === 126) {
          if (pending.length - offset < 4) break;
          length = pending.readUInt16BE(offset + 2);
          header = 4;
        } else if (length === 127) {
          if (pending.length - offset < 10) break;
          length = Number(pending.readBigUInt64BE(offset + 2));
          header = 10;
        }
        const maskAt = offset + header;
        if (masked) header += 4;
        const total = header + length;
        if (pending.length - offset < total) break;
        const first = length === 0 ? -1 : pending[offset + header] ^ (masked ? pending[maskAt] : 0);
        onFrame({ opcode, wireBytes: total, first });
        offset += total;
      }
      pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
    },
  };
}
