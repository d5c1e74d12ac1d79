/**
 * Bounded waiting, shared by every suite that talks to real sockets — and what replaces waiting
 * where a test proves that something does *not* happen: a clock the test controls.
 */
import { SimulatedClock } from 'xstate';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves once `condition()` holds (checked every few ms); rejects after `timeout` ms with what
 * was awaited. `what` may be a function, to describe the state at the moment of failure. The one
 * `heartsocket/testing` ships to users, so the suite runs it too.
 */
export { waitUntil as waitFor, WAIT_LIMIT as DEFAULT_WAIT } from '../../testing/waitUntil.js';

/**
 * How long a test gives packets already on their way over loopback to arrive, where it checks
 * that one does NOT (a connection the server must never see): the network has no clock to drive.
 */
export const NETWORK_GRACE = 200;

/** Clock time far past every delay the tests configure (the longest: `minUptime`, 60 s). */
export const LONG_AFTER = 10 * 60_000;

/**
 * XState's `SimulatedClock`, for `options.clock`, that also tells how many timers are pending:
 * "no timer left" proves that nothing can follow, however long the clock runs.
 */
export class TestClock extends SimulatedClock {
  /** Each pending timer's id and the clock time it is due at. */
  readonly #due = new Map<number, number>();

  override setTimeout(fn: (...args: any[]) => void, timeout: number): number {
    const id: number = super.setTimeout((...args: any[]) => {
      this.#due.delete(id);
      fn(...args);
    }, timeout);
    this.#due.set(id, this.now() + timeout);
    return id;
  }

  override clearTimeout(id: number): void {
    this.#due.delete(id);
    super.clearTimeout(id);
  }

  /** Timers set and neither fired nor cleared. */
  get pending(): number {
    return this.#due.size;
  }

  /**
   * `increment(ms)`, then fires the follow-ups that are due at once. (SimulatedClock does not fire
   * a timer that the last timer it fired set for 0 ms — heartsocket's `pendingInput` step after a
   * pong timeout — until the next increment.) Timers set for later than now wait, as with
   * `increment`.
   */
  advance(ms: number): void {
    this.increment(ms);
    for (let round = 0; [...this.#due.values()].some((due) => due <= this.now()); round++) {
      if (round === 100) throw new Error('TestClock.advance: timers keep setting 0 ms timers');
      this.increment(0);
    }
  }
}

/**
 * `WebSocket`, with every socket constructed through it kept in `made`: "no socket was made"
 * is then checked at heartsocket's side, without giving a connection time to reach a server.
 */
export function countingWebSocket<T extends new (...args: any[]) => object>(
  WebSocket: T,
): { WebSocket: T; made: unknown[] } {
  const made: unknown[] = [];
  const counting = new Proxy(WebSocket, {
    construct(target, args, newTarget) {
      const socket = Reflect.construct(target, args, newTarget);
      made.push(socket);
      return socket;
    },
  });
  return { WebSocket: counting, made };
}

/**
 * Lets pending I/O callbacks and promise jobs run: a connection attempt heartsocket started is
 * then under way (its URL looked up, its socket constructed).
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
