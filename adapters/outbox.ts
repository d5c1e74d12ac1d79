/**
 * Runs the user's callbacks only between the actor's steps, never inside one.
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
 */
export class Outbox {
  #depth = 0;
  #delivering = false;
  /**
   * The deliveries waiting, four entries each (the function and its three arguments, so that
   * posting allocates no closure), and where the next begins. Made when something is posted and
   * dropped once all is delivered: `null` means nothing waits (most steps deliver nothing, and an
   * idle connection keeps no array).
   */
  #queue: unknown[] | null = null;
  #next = 0;

  /**
   * Runs one step into the actor; what it posts is delivered when the outermost step is over.
   * (Methods, not bound fields: those would cost two closures per connection.)
   */
  enter<T>(step: () => T): T {
    return this.enterWith(call, step);
  }

  /** `enter(() => step(argument))`, without the closure: the per-heartbeat paths take it. */
  enterWith<A, T>(step: (argument: A) => T, argument: A): T {
    this.#depth++;
    try {
      return step(argument);
    } finally {
      this.#depth--;
      if (this.#depth === 0) this.#deliver();
    }
  }

  /** Delivers `delivery(a, b, c)` now when idle, else after the step (or the delivery) in progress. */
  post<A, B, C>(delivery: (a: A, b: B, c: C) => void, a: A, b: B, c?: C): void {
    (this.#queue ??= []).push(delivery, a, b, c);
    if (this.#depth === 0) this.#deliver();
  }

  /**
   * Delivers one incoming message, the hot path: at once and without allocating when idle (the
   * common case), queued behind other deliveries otherwise.
   */
  deliverNow<A, B, C>(deliver: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void {
    if (this.#depth > 0 || this.#delivering) return this.post(deliver, a, b, c);
    this.#delivering = true;
    try {
      deliver(a, b, c);
    } finally {
      this.#delivering = false;
      if (this.#queue !== null) this.#deliver(); // (null unless something waits)
    }
  }

  #deliver(): void {
    const queue = this.#queue;
    if (this.#delivering || queue === null) return;
    this.#delivering = true;
    try {
      while (this.#next < queue.length) {
        const at = this.#next;
        this.#next += 4;
        (queue[at] as (a: unknown, b: unknown, c: unknown) => void)(queue[at + 1], queue[at + 2], queue[at + 3]);
      }
    } finally {
      this.#delivering = false;
      // Dropped once all is delivered (a delivery that threw leaves the rest for the next time).
      if (this.#next >= queue.length) {
        this.#queue = null;
        this.#next = 0;
      }
    }
  }
}

const call = <T>(step: () => T): T => step();
