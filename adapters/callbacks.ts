import type { Actor, InspectionEvent } from 'xstate';
import type { socketMachine } from '../machine/socketMachine.js';
import { DEFAULT_SETTINGS, MAX_DELAY, type SocketSettings } from '../machine/settings.js';
import { optionRangeError } from '../machine/optionErrors.js';
import type { CallbackEvent } from '../machine/types.js';
import type { StepRunner } from './deliveryScheduler.js';
import type { InspectorOption } from './options.js';

/**
 * Calls the functions given in the options (`shouldReconnect`, `isPong`, the inspector, the clock,
 * …) so that one that throws can never stop or wedge the machine: the throw is reported to the
 * actor as `CALLBACK.THREW` (an `error` event for the user) and a stand-in answer is used.
 */
export class CallbackReporter {
  /** The actor reports go to, and the scheduler whose steps they are sent in; set by `attach`. */
  #actor: Actor<typeof socketMachine> | undefined;
  #scheduler: StepRunner | undefined;
  /** Throws from before anyone could listen: while the actor and the socket are being made. */
  #early: CallbackEvent[] | undefined;

  /**
   * From the next microtask on, reports go to `actor`, each as a step of `scheduler`. Not at
   * once: the inspector and the clock are called while the socket is being constructed, and an
   * `error` event then would reach no listener — the caller has not had a chance to add one.
   */
  attach(actor: Actor<typeof socketMachine>, scheduler: StepRunner): void {
    queueMicrotask(() => {
      this.#actor = actor;
      this.#scheduler = scheduler;
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
    this.#scheduler!.enter(() => actor.send(event));
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
   * A user's `fn` (of one argument: `isPong`, `shouldReconnect`), made safe: a throw is reported
   * and `standIn` answers instead. heartsocket's own default cannot throw: it is returned as it is.
   */
  guard<A, R>(option: string, fn: (arg: A) => R, ownDefault: (arg: A) => R, standIn: R): (arg: A) => R {
    if (fn === ownDefault) return fn;
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

/**
 * `options.inspect`, made harmless: its first throw is reported; it can never stop the actor.
 * (Checked at the call by `resolveOptions`: a function, or an observer with `next()`.)
 */
export function guardedInspector(inspect: InspectorOption, reporter: CallbackReporter): (event: InspectionEvent) => void {
  const observe = typeof inspect === 'function' ? inspect : (event: InspectionEvent) => inspect.next?.(event);
  // Reporting goes through the actor, which the inspector watches: a second report from an
  // inspector that throws on every event would never end.
  let reported = false;
  return (event) => {
    try {
      observe(event);
    } catch (error) {
      if (reported) return;
      reported = true;
      reporter.report('inspect', error);
    }
  };
}

/**
 * The settings with a user's `shouldReconnect` and `delay` function made safe: a `shouldReconnect`
 * that throws counts as "no"; a `delay` that throws or answers anything but a number of
 * milliseconds from 0 to `MAX_DELAY` is stood in for by the default delay. Either is reported.
 * Settings with neither are returned as they are (shared between connections).
 */
export function withSafeReconnectPolicy(settings: SocketSettings, reporter: CallbackReporter): SocketSettings {
  const { reconnect } = settings;
  const shouldReconnect = reporter.guard(
    'reconnect.shouldReconnect',
    reconnect.shouldReconnect,
    DEFAULT_SETTINGS.reconnect.shouldReconnect,
    false,
  );
  const delay = typeof reconnect.delay === 'function' ? safeDelay(reconnect.delay, reporter) : reconnect.delay;
  if (shouldReconnect === reconnect.shouldReconnect && delay === reconnect.delay) return settings;
  return Object.freeze({ ...settings, reconnect: Object.freeze({ ...reconnect, shouldReconnect, delay }) });
}

/** The default delay, for a `delay` function that failed to give one. */
const FALLBACK_DELAY = DEFAULT_SETTINGS.reconnect.delay;

function safeDelay(delay: (retry: number) => number, reporter: CallbackReporter): (retry: number) => number {
  return (retry) => {
    const wait = reporter.call('reconnect.delay', () => delay(retry), () => FALLBACK_DELAY);
    if (typeof wait === 'number' && wait >= 0 && wait <= MAX_DELAY) return wait;
    reporter.report('reconnect.delay', optionRangeError('reconnect.delay', `a function returning milliseconds from 0 to ${MAX_DELAY}`, wait));
    return FALLBACK_DELAY;
  };
}
