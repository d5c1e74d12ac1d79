/**
 * The server's side of docs/protocol.md's frames (the rest is in ../../controlFrames.ts): text
 * frames that begin with U+0010, a name and space-separated fields; and the escaping of app text
 * frames that begin with U+0010 too.
 */

import { DLE, SESSION_FLAG } from '../../controlFrames.js';

/** U+0010 (DLE, the first character of every control frame) as the first byte of a UTF-8 text frame. */
const DLE_BYTE = 0x10;

const FLAG_PATTERN = /[?&]heartsocket-session=1(?:&|#|$)/;

/** Whether an upgrade request's URL carries `heartsocket-session=1` in its query. */
export function asksForSession(url: string | undefined): boolean {
  return url !== undefined && url.includes(SESSION_FLAG) && FLAG_PATTERN.test(url);
}

/** What an incoming text frame is: a control frame (its words), or an app frame (its data, unescaped). */
export type Incoming = { control: string[] } | { app: Buffer };

/**
 * Reads an incoming text frame (`ws` hands text to `emit` as a Buffer): one byte test for an app
 * frame that does not begin with U+0010.
 */
export function readText(data: Buffer): Incoming {
  if (data[0] !== DLE_BYTE) return { app: data };
  if (data[1] === DLE_BYTE) return { app: data.subarray(1) }; // escaped: one U+0010 less
  return { control: data.toString('utf8', 1).split(' ') };
}

/** Whether an incoming text frame begins with U+0010 (a control frame or an escaped app frame). */
export function beginsWithDle(data: Buffer): boolean {
  return data[0] === DLE_BYTE;
}

/**
 * An app text frame as it is written into the session: with one more U+0010 in front when it
 * begins with one, so that the peer does not take it for a control frame.
 */
export function escapeText<T extends string | Buffer>(data: T): T {
  if (typeof data === 'string') return (data.charCodeAt(0) === DLE_BYTE ? DLE + data : data) as T;
  return (data[0] === DLE_BYTE ? Buffer.concat([Buffer.of(DLE_BYTE), data]) : data) as T;
}
