import type { CallbackReporter } from './callbacks.js';

/**
 * What `options.clock` must have: XState's `Clock` plus `now()`.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * const clock = new SimulatedClock(); // has now(), setTimeout() and clearTimeout()
 * const socket = new HeartSocket(url, [], { WebSocket, clock });
 * clock.increment(3000); // the heartbeat interval passes at once
 * ```
 */
// `any` as in XState's own `Clock`: a timer id is whatever the user's clock makes of it (a number,
// Node's `Timeout`, …); `unknown` would stop a clock written inline from passing its id on.
/* eslint-disable @typescript-eslint/no-explicit-any -- see above */
export interface SocketClock {
  /** The current time in milliseconds. */
  now(): number;
  /** Calls `callback` after `ms` milliseconds of this clock; returns an id for `clearTimeout`. */
  setTimeout(callback: (...args: any[]) => void, ms: number): any;
  /** Cancels a `setTimeout`. */
  clearTimeout(id: any): void;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** A wall-clock jump beyond the monotonic clock's own progress, counted as time that passed. */
const SLEEP_JUMP = 1000;

/**
 * `performance.now()`, moved forward by the time a sleeping host hid from it. During system sleep
 * the monotonic clock may stop while the wall clock does not: a jump of the wall clock beyond the
 * monotonic clock's progress (more than {@link SLEEP_JUMP} ms, so that ordinary drift and
 * millisecond rounding never count) is added. Never goes back.
 */
export function sleepAwareNow(
  monotonic: () => number = () => performance.now(),
  wall: () => number = Date.now,
): () => number {
  let lastMonotonic = monotonic();
  let lastWall = wall();
  let elapsed = lastMonotonic;
  return () => {
    const nowMonotonic = monotonic();
    const nowWall = wall();
    const progress = nowMonotonic - lastMonotonic;
    const hidden = nowWall - lastWall - progress;
    elapsed += progress + (hidden > SLEEP_JUMP ? hidden : 0);
    lastMonotonic = nowMonotonic;
    lastWall = nowWall;
    return elapsed;
  };
}

/** Real time, for every connection: one clock, so that no connection pays for its own. */
export const realNow = sleepAwareNow();

/** Real time, with every timer's callback run as a step of the actor (`enter`). */
class RealTimeClock implements SocketClock {
  constructor(readonly enter: <T>(step: () => T) => T) {}
  now(): number {
    return realNow();
  }
  setTimeout(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.enter(callback), ms);
  }
  clearTimeout(id: ReturnType<typeof setTimeout>): void {
    clearTimeout(id);
  }
}

/**
 * The clock the actor runs on: the user's (`options.clock`) or real time, with every timer's
 * callback run as a step of the actor (`enter`), and a clock that throws reported, not thrown
 * into the machine: the real clock stands in for that call.
 */
export function actorClock(
  user: SocketClock | undefined,
  enter: <T>(step: () => T) => T,
  reporter: CallbackReporter,
): SocketClock {
  if (user === undefined) return new RealTimeClock(enter);
  const standIns = new Set<unknown>();
  return {
    now: () => reporter.call('clock', () => user.now(), realNow),
    setTimeout: (callback, ms) => {
      const run = () => enter(callback);
      return reporter.call<unknown>(
        'clock',
        () => user.setTimeout(run, ms),
        () => {
          const id = setTimeout(run, ms);
          standIns.add(id);
          return id;
        },
      );
    },
    clearTimeout: (id) => {
      // A stand-in id is one the real setTimeout above returned.
      if (standIns.delete(id)) clearTimeout(id as ReturnType<typeof setTimeout>);
      else reporter.call('clock', () => user.clearTimeout(id), () => undefined);
    },
  };
}
