import { sessionSocketMachine, sessionSocketMachineWithoutNetworkSignal } from '../../machine/socketMachine.js';
import type { WebSocketLike } from '../webSocketLike.js';
import { connectionOf, implementations } from '../implementations.js';
import type { BoundMachines } from '../session.js';

/** The adapter's implementations, and the session handshake's (see machine/sessionHandshake.ts for what each is). */
const sessionImplementations = {
  actors: implementations.actors,
  actions: {
    ...implementations.actions,
    acknowledge: ({ system }) => connectionOf(system).link.session?.acknowledge(),
    endHandshake: ({ system }) => {
      const { link } = connectionOf(system);
      link.socket = link.session!.endHandshake() as WebSocketLike | null;
    },
    deliverHeldFrame: ({ system }) => {
      const { link, scheduler } = connectionOf(system);
      const held = link.session!.takeHeldFrame();
      // Posted: delivered after the `open` this step posted, as the frame came after the socket opened.
      if (held !== undefined) scheduler.post(() => link.hooks.onMessage(held, ''));
    },
  },
} satisfies Parameters<typeof sessionSocketMachine.provide>[0];

/** The statechart with the session handshake, bound to real sockets: what `resume` runs. */
export const sessionMachines: BoundMachines = {
  withNetworkSignal: sessionSocketMachine.provide(sessionImplementations),
  withoutNetworkSignal: sessionSocketMachineWithoutNetworkSignal.provide(sessionImplementations),
};
