/**
 * Session ids: 16 random bytes from `crypto.randomBytes`, base64url (22 characters). The id is a
 * credential (whoever presents it resumes the session), so it is made unguessable here and
 * checked for its shape before any lookup.
 */
import { randomBytes } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** A new session id. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** Whether a string has the shape of a session id (what a resume frame may carry). */
export function isSessionId(value: string | undefined): value is string {
  return value !== undefined && ID_PATTERN.test(value);
}
