import type { Actor } from 'xstate';
import type { socketMachine } from '../machine/socketMachine.js';
import { bindSocket } from './bindSocket.js';
import { resolveActorOptions, type SocketActorOptions } from './options.js';
import type { UrlSource } from './url.js';

/**
 * Starts the connection statechart bound to a real WebSocket, as a plain XState actor, for users
 * who compose actors themselves. Drive it with events — `{ type: 'SEND', data }`,
 * `{ type: 'CLOSE', code?, reason? }`, `{ type: 'RECONNECT' }` — and observe it with
 * `actor.subscribe(...)` and `actor.on('open' | 'close' | 'error', ...)`. Its observers run in
 * XState's order: an event sent from inside one is taken after the current step.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * const actor = createSocketActor('ws://127.0.0.1:8080', {
 *   WebSocket,
 *   onMessage: (event) => console.log(event.data),
 * });
 * actor.on('open', () => actor.send({ type: 'SEND', data: 'hello' }));
 * ```
 * @throws {SyntaxError} an invalid URL or subprotocol. {@link TypeError}/{@link RangeError}: a bad option.
 */
export function createSocketActor(url: UrlSource, options: SocketActorOptions = {}): Actor<typeof socketMachine> {
  const resolved = resolveActorOptions(url, options);
  const { onMessage, onUndelivered } = resolved;
  // The hooks run only once the actor has started, by which time `binding` is set.
  const report = (option: string, error: unknown): void =>
    binding.scheduler.enter(() => binding.actor.send({ type: 'CALLBACK.THREW', option, error }));
  const binding = bindSocket(resolved, {
    onMessage: (data, origin) => {
      try {
        onMessage?.({ data, origin });
      } catch (error) {
        report('onMessage', error);
      }
    },
    onUndelivered: (messages, error) => {
      if (onUndelivered === undefined) {
        // Nobody asked to hear about it: say it where a developer will see it, never drop quietly.
        console.warn(error.message);
        return;
      }
      try {
        onUndelivered(messages, error);
      } catch (thrown) {
        report('onUndelivered', thrown);
      }
    },
  });
  return binding.actor.start();
}
