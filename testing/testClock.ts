import type { SocketClock } from '../adapters/clock.js';

/**
 * A timer of a {@link TestClock}, pending until the test fires it.
 *
 * @example
 * ```ts
 * const timer: PendingTimer = clock.timer(3000); // the heartbeat interval's timer
 * clock.fire(timer);
 * ```
 */
export interface PendingTimer {
  /** The id `setTimeout` returned. */
  readonly id: number;
  /** The clock time it is due at. */
  readonly due: number;
  /** The milliseconds it was set for: what tells heartsocket's timers apart. */
  readonly ms: number;
}

interface Timer extends PendingTimer {
  readonly callback: () => void;
}

/** More 0 ms timers set by timers fired in one call than any real chain of steps makes. */
const RUNAWAY = 1000;

/**
 * A clock for `options.clock` whose timers fire only when the test says: `advance(ms)` moves time
 * on and fires what falls due, `runDue()` fires what is already due, `fire(timer)` fires one
 * timer the test chose, and `skip(ms)` moves time without firing anything (a host that slept: its
 * timers fire late, at the next `runDue()`). No test waits for real time to pass.
 *
 * @example
 * ```ts
 * import { HeartSocket } from 'heartsocket';
 * import { TestClock } from 'heartsocket/testing';
 * import { WebSocket } from 'ws';
 *
 * const clock = new TestClock();
 * const socket = new HeartSocket(url, [], { WebSocket, clock, heartbeat: { interval: 3000, timeout: 2000 } });
 * // …once open:
 * clock.advance(3000); // the heartbeat interval passes: the ping is sent
 * clock.advance(2000); // no pong: the socket is given up and a reconnect scheduled
 * ```
 */
export class TestClock implements SocketClock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  /** The clock's time in milliseconds: 0 at the start, moved only by the test. */
  now(): number {
    return this.#now;
  }

  /** Sets a timer that fires when the test moves the clock to (or past) `now() + ms`. */
  setTimeout(callback: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), ms, callback });
    return id;
  }

  /** Cancels a pending timer; an id that is not pending is ignored. */
  clearTimeout(id: number): void {
    this.#timers.delete(id);
  }

  /** The pending timers, soonest first. Empty after a socket closed: nothing is left behind. */
  get pending(): readonly PendingTimer[] {
    return [...this.#timers.values()].sort((a, b) => a.due - b.due || a.id - b.id).map(({ id, due, ms }) => ({ id, due, ms }));
  }

  /**
   * The pending timer set for `ms` milliseconds (the latest, if several).
   *
   * @throws {Error} if there is none, naming the timers that are pending.
   */
  timer(ms: number): PendingTimer {
    const timer = [...this.#timers.values()].filter((candidate) => candidate.ms === ms).at(-1);
    if (timer === undefined) throw new Error(`TestClock: no pending ${ms} ms timer (pending: ${this.pending.map((t) => `${t.ms} ms`).join(', ') || 'none'})`);
    return timer;
  }

  /** Moves time to `timer`'s due moment (if it is later) and fires that timer alone. */
  fire(timer: PendingTimer): void {
    const pending = this.#timers.get(timer.id);
    if (pending === undefined) throw new Error(`TestClock: timer ${timer.id} (${timer.ms} ms) is not pending`);
    this.#now = Math.max(this.#now, pending.due);
    this.#timers.delete(pending.id);
    pending.callback();
  }

  /** Moves time on by `ms` and fires every timer that falls due, in order, at its own moment. */
  advance(ms: number): void {
    const end = this.#now + Math.max(0, ms);
    for (let fired = 0; ; fired++) {
      const next = this.pending[0];
      if (next === undefined || next.due > end) break;
      if (fired === RUNAWAY) throw new Error('TestClock.advance: timers keep setting timers that are due at once');
      this.fire(next);
    }
    this.#now = end;
  }

  /** Fires every timer that is due now (and those they set that are due at once). */
  runDue(): void {
    this.advance(0);
  }

  /** Moves time on by `ms` without firing anything: a host that slept, whose timers now fire late. */
  skip(ms: number): void {
    this.#now += Math.max(0, ms);
  }
}
