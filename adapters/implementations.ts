import { fromCallback } from 'xstate';
import { plainSocketMachine, plainSocketMachineWithoutNetworkSignal } from '../machine/socketMachine.js';
import type { SocketCommand, SocketEvent } from '../machine/types.js';
import type { Connection } from './connection.js';
import { HeartSocketError } from './errors.js';
import { watchNetworkStatus } from './networkStatus.js';
import type { BoundMachines } from './session.js';
import { runSocketActor } from './socketActor.js';

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

/** The connection of the actor system an implementation runs in. */
export function connectionOf(system: object): Connection {
  const connection = connections.get(system);
  if (connection === undefined) {
    throw new Error('heartsocket: this machine runs only in the actor that createSocketActor() or HeartSocket made for it.');
  }
  return connection;
}

/**
 * The machine's actors and actions, bound to real sockets (see `machine/socketMachine.ts` for what
 * each is); heartsocket/resume adds the session handshake's (adapters/resume/machine.ts).
 */
export const implementations = {
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
    discardQueue: ({ system }) => connectionOf(system).link.discard('the connection ended for good'),
    letSocketGo: ({ event, system }) => {
      // Without a code the replaced socket is dropped (terminate()), as the socket actor's cleanup does by default.
      if (event.type === 'RECONNECT' && event.code !== undefined) {
        connectionOf(system).link.letGo = { code: event.code, reason: event.reason ?? '' };
      }
    },
  },
} satisfies Parameters<typeof plainSocketMachine.provide>[0];

/**
 * The machine without the session handshake, bound: with a `network` actor where the host has an
 * online/offline signal (browsers); where it has none (Node), no `network` actor: it would never speak.
 */
export const plainMachines: BoundMachines = {
  withNetworkSignal: plainSocketMachine.provide(implementations),
  withoutNetworkSignal: plainSocketMachineWithoutNetworkSignal.provide(implementations),
};
