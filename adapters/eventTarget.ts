/**
 * The `EventTarget` of `HeartSocket`: the DOM standard's dispatch, with a listener list of its own.
 *
 * Node's `EventTarget` only dispatches the `Event`s it built itself, and building a `MessageEvent`
 * costs more per message than all the rest of heartsocket's receive path. This one dispatches the
 * light `message` events of `events.ts` too, and keeps every rule of the DOM standard
 * (https://dom.spec.whatwg.org/#concept-event-listener), each checked by
 * `tests/unit/eventTarget.test.ts`:
 * - a listener is a callback and a capture flag; adding the same pair again does nothing;
 * - `once` removes it before it is called; an aborted `signal` removes it (or never adds it);
 * - a callback object's `handleEvent` is looked up when the event is dispatched;
 * - the listeners called are those present when the dispatch began, minus those removed meanwhile;
 * - `stopImmediatePropagation()` stops the rest; `event.target` and `currentTarget` are the socket;
 * - a listener that throws is reported (as an uncaught exception, as Node's `EventTarget` does)
 *   and the others still run.
 * `on…` handlers are listeners too, at the place they were first set (the HTML standard's rule).
 */

interface Listener {
  /** Replaced in place when an `on…` handler is set again: the handler keeps its place. */
  callback: ListenerArgument;
  readonly capture: boolean;
  readonly once: boolean;
  /** An `on…` handler's: not the same listener as an added one with the same function. */
  readonly handler: boolean;
  /** Set when removed: a dispatch already under way skips it. */
  removed: boolean;
  readonly unsubscribe: (() => void) | undefined;
}

/**
 * The listeners of one type, in order; never changed in place (a dispatch keeps its copy).
 * @hidden
 */
export type Listeners = readonly Listener[];

/** Where an event keeps its dispatch state: own fields of heartsocket's light events (`events.ts`). */
export const TARGET = Symbol('target');
export const PHASE = Symbol('eventPhase');
export const STOPPED = Symbol('stopImmediatePropagation');

/** `eventPhase` while the listeners run; `currentTarget` is the target then, `null` before and after. */
export const AT_TARGET = 2;

/** An event's dispatch state. */
export interface DispatchState {
  [TARGET]: EventTarget | null;
  [PHASE]: number;
  [STOPPED]: boolean;
}

const isLightEvent = (event: object): event is Event & DispatchState => TARGET in event;

/**
 * The base of heartsocket's own events (`open`, `close`, `error`, `statechange`, `undelivered`): a
 * real `Event` whose dispatch state is its own, so that this target can set it (Node keeps an
 * `Event`'s `target` private to its own `EventTarget`).
 *
 * @example
 * ```ts
 * socket.addEventListener('open', (event) => event.target === socket); // true
 * ```
 */
export class HeartSocketEvent extends Event implements DispatchState {
  [TARGET]: EventTarget | null = null;
  [PHASE] = 0;
  [STOPPED] = false;

  override get target(): EventTarget | null {
    return this[TARGET];
  }
  override get srcElement(): EventTarget | null {
    return this[TARGET];
  }
  override get currentTarget(): EventTarget | null {
    return this[PHASE] === AT_TARGET ? this[TARGET] : null;
  }
  override get eventPhase(): Event['eventPhase'] {
    return this[PHASE];
  }
  override stopImmediatePropagation(): void {
    this[STOPPED] = true;
    super.stopImmediatePropagation();
  }
  override composedPath(): ReturnType<Event['composedPath']> {
    return this[PHASE] === AT_TARGET ? [this[TARGET]!] : [];
  }
}

// The DOM's own names (`AddEventListenerOptions`, …) are missing from Node-only TypeScript
// projects: these come from `EventTarget` itself, which both have.
/** A listener: a function, or an object with `handleEvent`. */
export type ListenerArgument = NonNullable<Parameters<EventTarget['addEventListener']>[1]>;
/** `addEventListener`'s options. */
export type AddOptions = Parameters<EventTarget['addEventListener']>[2];
/** `removeEventListener`'s options. */
export type RemoveOptions = Parameters<EventTarget['removeEventListener']>[2];
type Options = AddOptions | RemoveOptions;
type ListenerFunction = (event: Event) => unknown;

const captureOf = (options: Options): boolean => (typeof options === 'boolean' ? options : Boolean(options?.capture));

/** A throwing listener must not stop the dispatch: report it as the platform does, later. */
export function reportListenerError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

export class SocketEventTarget extends EventTarget {
  /**
   * Per type, the listeners in order. Replaced, never changed in place: a dispatch keeps its copy.
   * Made at the first listener, dropped with the last.
   */
  #listeners: Map<string, Listeners> | undefined;
  /** `#listeners.get('message')`, kept at hand: asked for every incoming message. */
  #messageListeners: Listeners | undefined;
  /** The `on…` handlers: each is the callback of a listener of its own. */
  #handlers: Map<string, Listener> | undefined;

  /**
   * Adds a listener, as `EventTarget.addEventListener` does (`once`, `signal`, `capture`, objects
   * with `handleEvent`; a repeat of the same callback and capture is ignored).
   */
  override addEventListener(type: string, callback: ListenerArgument | null, options?: AddOptions): void {
    if (callback === null || callback === undefined) return;
    const capture = captureOf(options);
    const list = this.#listeners?.get(type) ?? [];
    if (list.some((listener) => !listener.handler && listener.callback === callback && listener.capture === capture)) return;
    const flags = typeof options === 'object' && options !== null ? (options as { once?: boolean; signal?: AbortSignal }) : {};
    const signal = flags.signal;
    if (signal?.aborted) return;
    const onAbort = signal && (() => this.removeEventListener(type, callback, { capture }));
    signal?.addEventListener('abort', onAbort!, { once: true });
    this.#append(type, {
      callback,
      capture,
      once: Boolean(flags.once),
      handler: false,
      removed: false,
      unsubscribe: onAbort && (() => signal.removeEventListener('abort', onAbort)),
    });
  }

  #append(type: string, listener: Listener): void {
    this.#store(type, [...(this.#listeners?.get(type) ?? []), listener]);
  }

  /** Removes a listener added with the same callback and capture flag. */
  override removeEventListener(type: string, callback: ListenerArgument | null, options?: RemoveOptions): void {
    const list = this.#listeners?.get(type);
    if (list === undefined || callback === null) return;
    const capture = captureOf(options);
    const index = list.findIndex(
      (listener) => !listener.handler && listener.callback === callback && listener.capture === capture,
    );
    if (index === -1) return;
    this.#remove(type, list[index]!);
  }

  #remove(type: string, listener: Listener): void {
    listener.removed = true;
    listener.unsubscribe?.();
    const rest = this.#listeners!.get(type)!.filter((other) => other !== listener);
    this.#store(type, rest.length === 0 ? undefined : rest);
  }

  #store(type: string, list: Listeners | undefined): void {
    if (list !== undefined) (this.#listeners ??= new Map()).set(type, list);
    else if (this.#listeners !== undefined) {
      this.#listeners.delete(type);
      if (this.#listeners.size === 0) this.#listeners = undefined;
    }
    if (type === 'message') this.#messageListeners = list;
  }

  /**
   * Dispatches an event to this socket's listeners: heartsocket's own events, or any `Event`.
   * @returns `false` if a listener called `preventDefault()` on a cancelable event.
   */
  override dispatchEvent(event: Event): boolean {
    this.#dispatch(event.type, event, isLightEvent(event) ? event : adopt(event));
    return !event.defaultPrevented;
  }

  /**
   * The `message` listeners now, for {@link dispatchTo}: `undefined` when there are none, and
   * then no event needs to be built (the per-message path reads a field, not the map).
   * @hidden
   */
  protected messageListeners(): Listeners | undefined {
    return this.#messageListeners;
  }

  #dispatch(type: string, event: Event, state: DispatchState): void {
    const list = this.#listeners?.get(type);
    if (list !== undefined) this.dispatchTo(list, type, event, state);
    else {
      state[TARGET] = this;
      state[PHASE] = 0; // NONE
    }
  }

  /**
   * Dispatches `event` to `list`, the listeners of `type` now: the standard's dispatch at the
   * target. The per-message path calls it with the list `messageListeners()` gave just before and
   * one of heartsocket's light events, its own dispatch state.
   * @hidden
   */
  protected dispatchTo(list: Listeners, type: string, event: Event, state: DispatchState): void {
    state[TARGET] = this;
    state[PHASE] = AT_TARGET;
    for (let index = 0; index < list.length; index++) {
      const listener = list[index]!;
      if (listener.removed) continue;
      if (listener.once) this.#remove(type, listener);
      call(this, listener, event);
      if (state[STOPPED]) break;
    }
    state[PHASE] = 0; // NONE
  }

  /**
   * Whether anyone listens for `type`: events nobody hears are not even built.
   * @hidden
   */
  protected hasListeners(type: string): boolean {
    return this.#listeners?.has(type) ?? false;
  }

  /**
   * The `on…` handler of `type`, or `null`.
   * @hidden
   */
  protected handlerOf<H>(type: string): H | null {
    return (this.#handlers?.get(type)?.callback ?? null) as H | null;
  }

  /**
   * Sets an `on…` handler: a listener added where it was first set, replaced in place, removed by null.
   * @hidden
   */
  protected setHandler(type: string, handler: unknown): void {
    const listener = this.#handlers?.get(type);
    if (typeof handler !== 'function') {
      if (listener === undefined) return;
      this.#handlers!.delete(type);
      this.#remove(type, listener);
      return;
    }
    if (listener !== undefined) {
      listener.callback = handler as ListenerFunction;
      return;
    }
    const added: Listener = {
      callback: handler as ListenerFunction,
      capture: false,
      once: false,
      handler: true,
      removed: false,
      unsubscribe: undefined,
    };
    (this.#handlers ??= new Map()).set(type, added);
    this.#append(type, added);
  }
}

/** Calls a listener as the standard does: a function with the target as `this`, an object's `handleEvent` looked up now. */
function call(target: EventTarget, listener: Listener, event: Event): void {
  const callback = listener.callback;
  try {
    if (typeof callback === 'function') callback.call(target, event);
    else if (typeof callback.handleEvent === 'function') callback.handleEvent(event);
  } catch (error) {
    reportListenerError(error);
  }
}

/**
 * Dispatch state for an `Event` heartsocket did not build (Node's fields are private to its own
 * `EventTarget`): `target`, `currentTarget`, `eventPhase` and `composedPath()` are given as own
 * properties, and `stopImmediatePropagation()` is watched.
 */
function adopt(event: Event): DispatchState {
  const state: DispatchState = { [TARGET]: null, [PHASE]: 0, [STOPPED]: false };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called as stop.call(event) below
  const stop = event.stopImmediatePropagation;
  Object.defineProperties(event, {
    target: { get: () => state[TARGET], configurable: true },
    srcElement: { get: () => state[TARGET], configurable: true },
    currentTarget: { get: () => (state[PHASE] === AT_TARGET ? state[TARGET] : null), configurable: true },
    eventPhase: { get: () => state[PHASE], configurable: true },
    composedPath: { value: () => (state[PHASE] === AT_TARGET ? [state[TARGET]] : []), configurable: true },
    stopImmediatePropagation: {
      value: () => {
        state[STOPPED] = true;
        stop.call(event);
      },
      configurable: true,
    },
  });
  return state;
}
