import { createActor, type Actor } from 'xstate';
import type { socketMachine } from '../machine/socketMachine.js';
import type { SocketMachineInput } from '../machine/types.js';
import { CallbackReporter, guardedInspector, withSafeReconnectPolicy } from './callbacks.js';
import { actorClock, realNow } from './clock.js';
import { Connection } from './connection.js';
import { DeliveryScheduler } from './deliveryScheduler.js';
import { plainMachines, registerConnection } from './implementations.js';
import { hostIsOffline, networkHost } from './networkStatus.js';
import type { ResolvedOptions } from './options.js';
import { SocketLink, type LinkHooks } from './socketLink.js';

/** What `bindSocket` gives the public classes: the actor, the link its hot path shares, its scheduler. */
export interface SocketBinding {
  readonly actor: Actor<typeof socketMachine>;
  readonly link: SocketLink;
  readonly scheduler: DeliveryScheduler;
}

/**
 * Binds the pure machine to real sockets for one connection, from options already resolved
 * (`resolveOptions`): makes the actor (returned unstarted) and the parts its implementations use.
 */
export function bindSocket(options: ResolvedOptions, hooks: LinkHooks): SocketBinding {
  const reporter = new CallbackReporter();
  const scheduler = new DeliveryScheduler();
  const clock = actorClock(options.clock, scheduler, reporter);
  // Real time is one shared function; a user's clock is asked through its wrapper.
  const now = options.clock === undefined ? realNow : () => clock.now();
  // With `resume`, its link: a session hands back what a failed resume lost as `undelivered`, as the link does.
  const link = options.resume?.createLink(options.queueMax, hooks, now, options.settings.heartbeat) ?? new SocketLink(options.queueMax, hooks, now);
  const settings = withSafeReconnectPolicy(options.settings, reporter);
  const input: SocketMachineInput = {
    settings,
    silentFor: link.silentFor,
    now,
    random: Math.random,
    hostIsOffline,
    socketExists: link.socketExists,
    // `undefined` without `resume`: the machine's handshake is not taken.
    handshakeTimeout: options.resume?.handshakeTimeout,
  };
  const inspect = options.inspect === undefined ? undefined : guardedInspector(options.inspect, reporter);
  const machines = options.resume?.machines ?? plainMachines;
  const machine = networkHost() === null ? machines.withoutNetworkSignal : machines.withNetworkSignal;
  const actor = createActor(machine, { input, clock, ...(inspect !== undefined && { inspect }) });
  reporter.attach(actor, scheduler);
  registerConnection(actor.system, new Connection(options, settings, link, reporter, scheduler));
  return { actor, link, scheduler };
}
