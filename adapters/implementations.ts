import { fromCallback } from 'xstate';
import { socketMachine, socketMachineWithoutNetworkSignal } from '../machine/socketMachine.js';
import type { SocketCommand, SocketEvent } from '../machine/types.js';
import type { Connection } from './connection.js';
import { HeartSocketError } from './errors.js';
import { watchNetworkStatus } from './networkStatus.js';
import { runSocketActor } from './socketActor.js';
import type { WebSocketLike } from './webSocketLike.js';

/**
 * Every connection runs the one machine provided here, not a machine provided per connection:
 * `provide()` copies the whole machine, some 30 KiB each. So an implementation finds its connection
 * from the actor system it runs in: each `createActor` makes a system of its own, which the actors
 * it invokes share.
 */
const connections = new WeakMap<object, Connection>();

/** Makes `connection` the one the implementations find in `system` (an actor's `actor.system`). */
export function registerConnection(system: object, connection: Connection): void {
  connections.set(system, connection);
}

function connectionOf(system: object): Connection {
  const connection = connections.get(system);
  if (connection === undefined) {
    throw new Error('heartsocket: this machine runs only in the actor that createSocketActor() or HeartSocket made for it.');
  }
  return connection;
}

/** The machine's actors and actions, bound to real sockets (see `machine/socketMachine.ts` for what each is). */
const implementations = {
  actors: {
    socket: fromCallback<SocketCommand, void, SocketEvent>((args) => runSocketActor(connectionOf(args.system), args)),
    network: fromCallback(({ sendBack, system }) => watchNetworkStatus(sendBack, connectionOf(system).scheduler)),
  },
  actions: {
    flushQueue: ({ system }) => connectionOf(system).link.flush(),
    transmit: ({ event, system }) => {
      if (event.type !== 'SEND') return;
      const { link } = connectionOf(system);
      try {
        link.send(event.data);
      } catch (error) {
        link.hooks.onUndelivered([event.data], error as HeartSocketError);
      }
    },
    refuseSend: ({ event, system }) => {
      if (event.type !== 'SEND') return;
      connectionOf(system).link.hooks.onUndelivered(
        [event.data],
        new HeartSocketError('CLOSED', 'SEND after the connection was closed; send RECONNECT first.'),
      );
    },
    acknowledge: ({ system }) => connectionOf(system).link.session?.acknowledge(),
    endHandshake: ({ system }) => {
      // The socket becomes the one `send()` writes to, with a resumed session's unacknowledged messages re-sent on it.
      const { link } = connectionOf(system);
      link.socket = link.session!.endHandshake() as WebSocketLike | null;
    },
    deliverHeldFrame: ({ system }) => {
      const { link, scheduler } = connectionOf(system);
      const held = link.session!.takeHeldFrame();
      // Posted: delivered after the `open` this step posted, as the frame came after the socket opened.
      if (held !== undefined) scheduler.post(() => link.hooks.onMessage(held, ''));
    },
    discardQueue: ({ system }) => connectionOf(system).link.discard('the connection ended for good'),
    letSocketGo: ({ event, system }) => {
      // Without a code the replaced socket is dropped (terminate()), as the socket actor's cleanup does by default.
      if (event.type === 'RECONNECT' && event.code !== undefined) {
        connectionOf(system).link.letGo = { code: event.code, reason: event.reason ?? '' };
      }
    },
  },
} satisfies Parameters<typeof socketMachine.provide>[0];

/** The machine, bound: with a `network` actor where the host has an online/offline signal (browsers). */
export const boundMachine = socketMachine.provide(implementations);
/** Where the host has no online/offline signal (Node), no `network` actor: it would never speak. */
export const boundMachineWithoutNetworkSignal = socketMachineWithoutNetworkSignal.provide(implementations);
