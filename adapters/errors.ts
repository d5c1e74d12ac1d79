/** Why a message could not be sent. */
export type HeartSocketErrorCode =
  /** `send()` found the queue full (`queue.max`) while disconnected. */
  | 'QUEUE_FULL'
  /** `send()` after `close()`, or after the connection ended for good. */
  | 'CLOSED'
  /** Queued messages that will never be sent: the connection ended before they could be. */
  | 'UNDELIVERED';

/** An error of heartsocket's own, with a machine-readable `code`. */
export class HeartSocketError extends Error {
  override readonly name = 'HeartSocketError';
  constructor(
    readonly code: HeartSocketErrorCode,
    message: string,
  ) {
    super(`heartsocket: ${message}`);
  }
}
