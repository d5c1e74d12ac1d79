/**
 * Why a message could not be sent.
 *
 * @example
 * ```ts
 * const worthRetrying = (code: HeartSocketErrorCode) => code === 'QUEUE_FULL';
 * ```
 */
export type HeartSocketErrorCode =
  /** `send()` found the queue full (`queue.max`) while disconnected. */
  | 'QUEUE_FULL'
  /** `send()` after `close()`, or after the connection ended for good. */
  | 'CLOSED'
  /** Queued messages that will never be sent: the connection ended before they could be. */
  | 'UNDELIVERED'
  /**
   * `resume` on: messages written into a session that could not be resumed. The server's app may
   * have received some of them: only the app's own ids can tell which (see docs/resume.md).
   */
  | 'RESUME_FAILED';

/**
 * An error of heartsocket's own, with a machine-readable `code`.
 *
 * @example
 * ```ts
 * try {
 *   socket.send(update);
 * } catch (error) {
 *   if (error instanceof HeartSocketError && error.code === 'QUEUE_FULL') showOfflineBanner();
 *   else throw error;
 * }
 * ```
 */
export class HeartSocketError extends Error {
  /** Always `'HeartSocketError'`. */
  override readonly name = 'HeartSocketError';
  constructor(
    /** Why: `QUEUE_FULL`, `CLOSED` or `UNDELIVERED`. */
    readonly code: HeartSocketErrorCode,
    message: string,
  ) {
    super(`heartsocket: ${message}`);
  }
}
