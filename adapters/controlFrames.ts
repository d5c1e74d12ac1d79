/**
 * What both halves of the resumable-session protocol (docs/protocol.md) write and read the same
 * way — the client (heartsocket/resume), the server half and heartsocket/testing's server: the
 * session flag, the control frames' first character and shape, and their count fields. What only
 * one side does is in its own frames.ts.
 */

/** U+0010, "data link escape": the first character of every control frame. */
export const DLE = '\u0010';

/** The version of the protocol spoken (the only one so far); `hello` announces it. */
export const PROTOCOL_VERSION = 1;

/** The query parameter, with its value, by which a client asks for a session. */
export const SESSION_FLAG = 'heartsocket-session=1';

/** A control frame: `␐<name> <field> <field>…`. */
export function controlFrame(name: string, ...fields: (string | number)[]): string {
  return fields.length === 0 ? DLE + name : `${DLE}${name} ${fields.join(' ')}`;
}

/** A count field: a decimal integer ≥ 0 (and a safe integer); `undefined` for anything else. */
export function readCount(field: string | undefined): number | undefined {
  if (field === undefined || !/^\d{1,15}$/.test(field)) return undefined;
  return Number(field);
}
