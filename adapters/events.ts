import type { SendData, SocketStateName } from '../machine/types.js';
import type { HeartSocketError } from './errors.js';

/** `close`: one underlying socket ended (also for attempts that never opened). */
export class HeartSocketCloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(init: { code: number; reason: string; wasClean: boolean }) {
    super('close');
    this.code = init.code;
    this.reason = init.reason;
    this.wasClean = init.wasClean;
  }
}

/** `error`: the socket reported an error; `error` holds what it gave, where it gave anything. */
export class HeartSocketErrorEvent extends Event {
  readonly error: unknown;
  readonly message: string;
  constructor(error: unknown) {
    super('error');
    this.error = error;
    this.message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  }
}

/** `statechange`: the machine moved to another of its six states. */
export class StateChangeEvent extends Event {
  constructor(
    readonly state: SocketStateName,
    readonly previous: SocketStateName,
  ) {
    super('statechange');
  }
}

/** `undelivered`: queued messages that will never be sent, because the connection ended for good. */
export class UndeliveredEvent extends Event {
  constructor(
    readonly messages: readonly SendData[],
    readonly error: HeartSocketError,
  ) {
    super('undelivered');
  }
}

/** `message`: the global `MessageEvent` where the host has one (browsers, Node ≥ 15). */
export const MessageEventClass: typeof MessageEvent =
  typeof MessageEvent === 'function'
    ? MessageEvent
    : (class extends Event {
        readonly data: unknown;
        readonly origin: string;
        constructor(type: string, init: { data?: unknown; origin?: string } = {}) {
          super(type);
          this.data = init.data;
          this.origin = init.origin ?? '';
        }
      } as unknown as typeof MessageEvent);
