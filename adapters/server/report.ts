/**
 * Calling the app's functions (`pong`, `onPing`, `onDrop`) without letting them take the server
 * down: a throw is reported to `onError` and the heartbeat goes on, as the client reports a
 * throwing callback as an `error` event and goes on.
 */
import type { WebSocket } from 'ws';

/** What `onError` gets. */
export type ServerErrorHandler = (error: unknown, ws: WebSocket | undefined) => void;

/**
 * The default `onError`: the error goes to `console.error`, named as heartsocket's, and the
 * server keeps serving.
 */
export const logServerError: ServerErrorHandler = (error) => {
  console.error('heartsocket/server: a hook threw; the heartbeat goes on.', error);
};

/**
 * Reports `error` to `onError`; if `onError` throws too, both go to `console.error` (there is no
 * one else to tell, and a heartbeat must not crash the process it serves).
 */
export function report(onError: ServerErrorHandler, error: unknown, ws: WebSocket | undefined): void {
  try {
    onError(error, ws);
  } catch (reportingError) {
    console.error('heartsocket/server: onError threw while reporting an error.', reportingError, error);
  }
}
