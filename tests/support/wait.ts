/** Bounded waiting, shared by every suite that talks to real sockets. */

export const DEFAULT_WAIT = 3000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves once `condition()` holds (checked every few ms); rejects after `timeout` ms with what
 * was awaited. `what` may be a function, to describe the state at the moment of failure.
 */
export function waitFor(condition: () => boolean, what: string | (() => string), timeout = DEFAULT_WAIT): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const check = (): void => {
      if (condition()) return resolve();
      if (performance.now() - started > timeout) {
        const description = typeof what === 'function' ? what() : what;
        return reject(new Error(`timed out after ${timeout} ms waiting for ${description}`));
      }
      setTimeout(check, 5);
    };
    check();
  });
}
