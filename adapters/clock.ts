import type { CallbackReporter } from './callbacks.js';
import type { StepRunner } from './deliveryScheduler.js';

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

/** A timer of the real-time clock: when it is due on `realNow()`, and the timeout that waits for it. */
interface RealTimer {
  readonly due: number;
  readonly callback: () => void;
  id: ReturnType<typeof setTimeout>;
}

/**
 * How early a host timer may fire and be waited out (see `RealTimeClock`). A timer far earlier
 * than that is not the host's rounding but a clock that is not real time (a test's fake timers):
 * it runs, as it always did.
 */
const EARLY_SLACK = 100;

/**
 * Real time, with every timer's callback run as a step of the actor (`enter`), and never before
 * `now()` says it is due. A host's timer may fire up to a few milliseconds early by `now()`: Node
 * counts a timeout from the event loop's cached time, in whole milliseconds, which the
 * `performance.now()` of the moment it was set is ahead of. The machine would take such a
 * heartbeat timer for traffic heard meanwhile and wait out the rest (a transition, a second timer,
 * on every heartbeat it happens to); here the rest is waited out before the machine is told.
 */
class RealTimeClock implements SocketClock {
  constructor(readonly scheduler: StepRunner) {}
  now(): number {
    return realNow();
  }
  setTimeout(callback: () => void, ms: number): RealTimer {
    const timer: RealTimer = { due: realNow() + ms, callback, id: undefined! };
    timer.id = setTimeout(fire, ms, this.scheduler, timer);
    return timer;
  }
  clearTimeout(timer: RealTimer): void {
    clearTimeout(timer.id);
  }
}

/** A real timer's timeout fired: its callback runs as a step of the actor, unless it is early. */
function fire(scheduler: StepRunner, timer: RealTimer): void {
  const early = timer.due - realNow();
  if (early > 0 && early < EARLY_SLACK) timer.id = setTimeout(fire, early, scheduler, timer);
  else scheduler.enter(timer.callback);
}

/**
 * The clock the actor runs on: the user's (`options.clock`) or real time, with every timer's
 * callback run as a step of the actor (`enter`), and a clock that throws reported, not thrown
 * into the machine: the real clock stands in for that call.
 */
export function actorClock(user: SocketClock | undefined, scheduler: StepRunner, reporter: CallbackReporter): SocketClock {
  if (user === undefined) return new RealTimeClock(scheduler);
  const standIns = new Set<unknown>();
  return {
    now: () => reporter.call('clock', () => user.now(), realNow),
    setTimeout: (callback, ms) => {
      const run = () => scheduler.enter(callback);
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
