/**
 * Schedules the delivery of events to the user: only between the actor's steps, never inside one.
 * (Not the send queue: that is `SendQueue`, the messages waiting for a socket.)
 *
 * XState finishes one event before it takes the next: a `close()` made from inside an `open`
 * listener that the actor called would wait until the step that announced `open` is over, so
 * `readyState` would still say OPEN right after it and a following `send()` would go out. The
 * WebSocket standard's rule is the opposite: a call takes effect before it returns. So every way
 * into the actor (the socket's and the network's reports, timers, the public methods) is an
 * `enter()`, and the events a step produces are `post()`ed and delivered once the outermost
 * step is over, when the actor is idle again: a call from a listener then runs at once.
 *
 * Delivery is one at a time, in order: events that a listener's own call produces wait until the
 * listeners of the current event have all run, as a WebSocket's queued tasks would.
 *
 * Every way into the actor takes it (`enter`): the public methods, the socket actor's reports, the
 * timers of the clock (`clock.ts`), the reports of callbacks that threw (`callbacks.ts`).
 */
export class DeliveryScheduler {
  /** How many `enter()`s are running, nested: deliveries wait until it is back to 0. */
  #depth = 0;
  #delivering = false;
  /** Deliveries waiting, oldest first; `null` when none (most steps deliver nothing). */
  #waiting: (() => void)[] | null = null;

  /** Runs one step into the actor; what it posts is delivered when the outermost step is over. */
  enter<T>(step: () => T): T {
    this.#depth++;
    try {
      return step();
    } finally {
      this.#depth--;
      if (this.#depth === 0) this.#deliverWaiting();
    }
  }

  /** Delivers now when idle, else after the step (or the delivery) in progress. */
  post(delivery: () => void): void {
    (this.#waiting ??= []).push(delivery);
    if (this.#depth === 0) this.#deliverWaiting();
  }

  /**
   * Delivers one incoming message: at once when idle (the common case: no closure is made for
   * it), queued behind the other deliveries otherwise.
   */
  deliverNow<A, B, C>(deliver: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void {
    if (this.#depth > 0 || this.#delivering) return this.post(() => deliver(a, b, c));
    this.#delivering = true;
    try {
      deliver(a, b, c);
    } finally {
      this.#delivering = false;
      if (this.#waiting !== null) this.#deliverWaiting();
    }
  }

  #deliverWaiting(): void {
    const waiting = this.#waiting;
    if (this.#delivering || waiting === null) return;
    this.#delivering = true;
    try {
      // Taken off before it runs: a delivery that throws leaves the rest for the next time.
      while (waiting.length > 0) waiting.shift()!();
    } finally {
      this.#delivering = false;
      if (waiting.length === 0) this.#waiting = null;
    }
  }
}

/** What a timer or a report needs of the scheduler: to run its callback as a step. */
export type StepRunner = Pick<DeliveryScheduler, 'enter'>;
