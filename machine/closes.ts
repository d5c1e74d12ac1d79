/**
 * How a socket ended, as the machine reports it (`lastClose`, the `close` it emits): the close
 * codes heartsocket itself uses, and one builder per way a socket can end.
 */
import { assertEvent } from 'xstate';
import type { CloseInfo } from './settings.js';
import type { SocketMachineEvent } from './types.js';

/**
 * The close code and reason the heartbeat uses when no reply came to a ping.
 *
 * @example
 * ```ts
 * socket.onclose = (event) => {
 *   if (event.code === HEARTBEAT_TIMEOUT_CLOSE.code) console.log('the peer went silent');
 * };
 * ```
 */
export const HEARTBEAT_TIMEOUT_CLOSE = { code: 4000, reason: 'heartbeat timeout' } as const;

/**
 * Close code of a socket that ended without a close frame (the WebSocket standard's 1006).
 *
 * @example
 * ```ts
 * socket.onclose = (event) => {
 *   // the network dropped, or heartsocket abandoned the socket (event.reason says why)
 *   if (event.code === ABNORMAL_CLOSURE) console.log('connection lost:', event.reason);
 * };
 * ```
 */
export const ABNORMAL_CLOSURE = 1006;

type EventArgs = { event: SocketMachineEvent };

/** A close, or how to read it from the event that ended the socket. */
export type CloseParams = CloseInfo | ((args: EventArgs) => CloseInfo);

/** A socket we stopped waiting for: it is detached and reported closed with 1006 and this reason. */
export const abandoned = (reason: string): CloseInfo => ({ code: ABNORMAL_CLOSURE, reason, wasClean: false });

/** The close fields of a `SOCKET.CLOSE` event. */
export const closeFromSocket = ({ event }: EventArgs): CloseInfo => {
  assertEvent(event, 'SOCKET.CLOSE');
  return { code: event.code, reason: event.reason, wasClean: event.wasClean };
};

/** The close a user's `close(code, reason)` reports when no socket is there to do the handshake. */
export const closeFromUser = ({ event }: EventArgs): CloseInfo => {
  assertEvent(event, 'CLOSE');
  return { code: event.code ?? 1000, reason: event.reason ?? '', wasClean: false };
};

/** The close a `reconnect(code?, reason?)` reports for the socket it replaces. */
export const closeForReconnect = ({ event }: EventArgs): CloseInfo => {
  assertEvent(event, 'RECONNECT');
  return event.code === undefined
    ? abandoned('reconnect() called')
    : { code: event.code, reason: event.reason ?? '', wasClean: false };
};

/** The options the socket gave up on (`invalid url`, `invalid protocols`): no retry can help. */
export const closeFromInvalidOption = ({ event }: EventArgs): CloseInfo => {
  assertEvent(event, 'SOCKET.INVALID');
  return abandoned(event.reason);
};

/** After a heartbeat failure the app hears 4000 whatever the socket did; clean only if the peer answered. */
export const heartbeatClose = (wasClean: boolean): CloseInfo => ({ ...HEARTBEAT_TIMEOUT_CLOSE, wasClean });
export const heartbeatCloseFromSocket = ({ event }: EventArgs): CloseInfo => {
  assertEvent(event, 'SOCKET.CLOSE');
  return heartbeatClose(event.wasClean);
};

/**
 * Close code and reason when the server said `hello` but did not answer `start`/`resume` within
 * `resumable({ timeout })`: a session server that is stuck, not a plain one. 4002, beside the
 * heartbeat's 4000 (the server half uses 4003 for "session resumed elsewhere").
 *
 * @example
 * ```ts
 * const shouldReconnect = (close: CloseInfo) => close.code === HANDSHAKE_TIMEOUT_CLOSE.code || close.code === 4000;
 * ```
 */
export const HANDSHAKE_TIMEOUT_CLOSE = { code: 4002, reason: 'session handshake timeout' } as const;
