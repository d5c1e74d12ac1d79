/**
 * Bounded waiting for what happens on real sockets (a request reaching the server, a close
 * handshake ending): polled, never slept through, and failing with what was awaited.
 */
export const WAIT_LIMIT = 3000;

/**
 * Resolves once `condition()` holds (checked every few ms); rejects after `timeout` ms with an
 * `Error` naming what was awaited (`what` may be a function, to describe the moment of failure).
 */
export function waitUntil(condition: () => boolean, what: string | (() => string), timeout = WAIT_LIMIT): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const check = (): void => {
      if (condition()) return resolve();
      if (performance.now() - started > timeout) {
        return reject(new Error(`timed out after ${timeout} ms waiting for ${typeof what === 'function' ? what() : what}`));
      }
      setTimeout(check, 5);
    };
    check();
  });
}
