import type { Actor } from 'xstate';
import type { socketMachine } from '../machine/socketMachine.js';
import type { CallbackEvent } from '../machine/types.js';
import type { ActorSteps } from './clock.js';

/**
 * Calls the functions given in the options (`shouldReconnect`, `isPong`, the inspector, the clock,
 * …) so that one that throws can never stop or wedge the machine: the throw is reported to the
 * actor as `CALLBACK.THREW` (an `error` event for the user) and a stand-in answer is used.
 */
export class CallbackReporter {
  /** The actor reports go to, and its steps; set by `attach`. */
  #actor: Actor<typeof socketMachine> | undefined;
  #steps: ActorSteps | undefined;
  /** Throws from before anyone could listen: while the actor and the socket are being made. */
  #early: CallbackEvent[] | undefined;

  /**
   * From the next microtask on, reports go to `actor`, each as one of its `steps`. Not at
   * once: the inspector and the clock are called while the socket is being constructed, and an
   * `error` event then would reach no listener — the caller has not had a chance to add one.
   */
  attach(actor: Actor<typeof socketMachine>, steps: ActorSteps): void {
    queueMicrotask(() => {
      this.#actor = actor;
      this.#steps = steps;
      for (const event of this.#early ?? []) this.#send(event);
      this.#early = undefined;
    });
  }

  report(option: string, error: unknown): void {
    const event: CallbackEvent = { type: 'CALLBACK.THREW', option, error };
    if (this.#actor === undefined) (this.#early ??= []).push(event);
    else this.#send(event);
  }

  #send(event: CallbackEvent): void {
    const actor = this.#actor!;
    this.#steps!.enter(() => actor.send(event));
  }

  /** `call()`, or `standIn()` if it throws; the throw is reported. */
  call<T>(option: string, call: () => T, standIn: () => T): T {
    try {
      return call();
    } catch (error) {
      this.report(option, error);
      return standIn();
    }
  }

  /**
   * `fn` (of one argument: `isPong`, `shouldReconnect`), made safe: a throw is reported and
   * `standIn` answers instead. One argument, not a rest array: `isPong` runs for every message.
   */
  guard<A, R>(option: string, fn: (arg: A) => R, standIn: R): (arg: A) => R {
    return (arg) => {
      try {
        return fn(arg);
      } catch (error) {
        this.report(option, error);
        return standIn;
      }
    };
  }
}
