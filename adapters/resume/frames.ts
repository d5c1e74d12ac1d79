/**
 * The client's side of docs/protocol.md's frames (the rest is in ../controlFrames.ts): pure
 * functions, no state. A control frame is a text frame that begins with U+0010 (DLE), then a name
 * and fields; an app text frame that begins with U+0010 travels with one more in front.
 */

import { DLE, SESSION_FLAG } from '../controlFrames.js';

/** A control frame, split: its name and its fields. */
export interface ControlFrame {
  readonly name: string;
  readonly fields: readonly string[];
}

/** Whether `data` is a control frame (text, U+0010 first, not an escaped app frame). */
export function isControlFrame(data: unknown): data is string {
  return typeof data === 'string' && data.charCodeAt(0) === 0x10 && data.charCodeAt(1) !== 0x10;
}

/** A control frame's name and fields; the caller has checked `isControlFrame`. */
export function parseControlFrame(frame: string): ControlFrame {
  const [name = '', ...fields] = frame.slice(1).split(' ');
  return { name, fields };
}

/** An app message as it is written: text that begins with U+0010 gets one more. Binary is never touched. */
export function escapeAppData<T>(data: T): T | string {
  return typeof data === 'string' && data.charCodeAt(0) === 0x10 ? DLE + data : data;
}

/** An app message as it was sent: one leading U+0010 of an escaped text frame removed. */
export function unescapeAppData(data: unknown): unknown {
  return typeof data === 'string' && data.charCodeAt(0) === 0x10 ? data.slice(1) : data;
}

/**
 * The URL with the session flag in its query: an existing query and hash are kept as they are
 * (not re-encoded, as `URLSearchParams` would).
 */
export function withSessionFlag(url: string): string {
  const hashAt = url.indexOf('#');
  const base = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return base + separator + SESSION_FLAG + hash;
}
