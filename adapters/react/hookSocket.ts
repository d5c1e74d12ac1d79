/**
 * The `HeartSocket` the hooks make: the same socket, plus the two facts the hook shows that the
 * machine's six states do not tell — whether it has ever been open (so that its next `connecting`
 * is a reconnect) and whether its end was asked for with `close()` (so that an end nobody asked
 * for can be told to the app, `onReconnectStop`).
 */
import { HeartSocket } from '../HeartSocket.js';
import type { SocketStateName } from '../../machine/types.js';

/**
 * `connecting` (the first connection: never open yet, no failed attempt), `open` (also while a
 * ping waits for its pong: sending works), `reconnecting` (the connection was lost or an attempt
 * failed, and a retry is coming: waiting for it or connecting again), `closing` (a closing
 * handshake: after `close()`, or of a peer gone silent, before the policy decides on a retry) or
 * `closed`.
 *
 * @example
 * ```ts
 * const label: Record<HeartSocketStatus, string> = {
 *   connecting: 'Connecting…', open: 'Live', reconnecting: 'Reconnecting…', closing: 'Closing…', closed: 'Offline',
 * };
 * ```
 */
export type HeartSocketStatus = 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

const COARSE: Record<SocketStateName, HeartSocketStatus> = {
  connecting: 'connecting',
  open: 'open',
  awaitingPong: 'open',
  reconnectWait: 'reconnecting',
  closing: 'closing',
  closed: 'closed',
};

export class HookSocket extends HeartSocket {
  /** Whether the socket has been open at least once. */
  #opened = false;
  /** Whether `close()` was called since the last `reconnect()`: the end that follows was asked for. */
  #closeRequested = false;

  constructor(...args: ConstructorParameters<typeof HeartSocket>) {
    super(...args);
    this.addEventListener('open', () => (this.#opened = true), { once: true });
  }

  /** The coarse status now: unchanged by the heartbeat. */
  get status(): HeartSocketStatus {
    const status = COARSE[this.state];
    if (status !== 'connecting') return status;
    return this.#opened || this.retryCount > 0 ? 'reconnecting' : 'connecting';
  }

  /** Whether `close()` was called since the last `reconnect()`: a `closed` that follows was asked for. */
  get closeRequested(): boolean {
    return this.#closeRequested;
  }

  override close(code?: number, reason?: string): void {
    this.#withCloseRequested(true, () => super.close(code, reason));
  }

  override reconnect(code?: number, reason?: string): void {
    this.#withCloseRequested(false, () => super.reconnect(code, reason));
  }

  /**
   * Sets the flag before `call` (the `statechange` to `closed` can be dispatched within it); a call
   * that throws (a bad code or reason) changed nothing, so the flag goes back.
   */
  #withCloseRequested(requested: boolean, call: () => void): void {
    const before = this.#closeRequested;
    this.#closeRequested = requested;
    try {
      call();
    } catch (error) {
      this.#closeRequested = before;
      throw error;
    }
  }
}
