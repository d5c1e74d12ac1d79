import { createActor, fromCallback, type Actor, type ActorSystem, type InspectionEvent } from 'xstate';
import { resolveSettings } from '../machine/settings.js';
import { socketMachine } from '../machine/socketMachine.js';
import type { SocketCommand, SocketEvent, SocketMachineEvent, SocketMachineInput } from '../machine/types.js';
import { CallbackReporter } from './callbacks.js';
import { actorClock } from './clock.js';
import { HeartSocketError } from './errors.js';
import { hostIsOffline, watchNetworkStatus } from './networkStatus.js';
import {
  checkClock,
  checkProtocolPings,
  isWsConstructor,
  queueMax,
  webSocketConstructor,
  type SocketOptions,
} from './options.js';
import { Outbox } from './outbox.js';
import { protocolsResolver } from './protocols.js';
import { createSocketCallback, type SocketCallback } from './socketActor.js';
import { SocketLink, type LinkHooks } from './socketLink.js';
import { urlResolver, type UrlSource } from './url.js';

/** What one client's actor needs of its own: its socket, the state the hot path shares, its steps. */
interface Client {
  readonly link: SocketLink;
  readonly socket: SocketCallback;
  readonly enter: <T>(step: () => T) => T;
}

/**
 * Every client runs the one machine provided here (providing per client copies the whole machine,
 * some 30 KiB each). A client's own implementations are found from its actor system: each
 * `createActor` makes a new one, which the actors it invokes share.
 */
const clients = new WeakMap<ActorSystem<any>, Client>();
function clientOf(system: ActorSystem<any>): Client {
  const client = clients.get(system);
  if (client === undefined) {
    throw new Error('heartsocket: this machine runs only in the actor that createSocketActor() or HeartSocket made for it.');
  }
  return client;
}

const boundMachine = socketMachine.provide({
  actors: {
    socket: fromCallback<SocketCommand, void, SocketEvent>((args) => clientOf(args.system).socket(args)),
    network: fromCallback(({ sendBack, system }) => watchNetworkStatus(sendBack, clientOf(system).enter)),
  },
  actions: {
    flushQueue: ({ system }) => clientOf(system).link.flush(),
    transmit: ({ event, system }) => {
      if (event.type !== 'SEND') return;
      const { link } = clientOf(system);
      try {
        link.send(event.data);
      } catch (error) {
        link.hooks.onUndelivered([event.data], error as HeartSocketError);
      }
    },
    refuseSend: ({ event, system }) => {
      if (event.type !== 'SEND') return;
      clientOf(system).link.hooks.onUndelivered(
        [event.data],
        new HeartSocketError('CLOSED', 'SEND after the connection was closed; send RECONNECT first.'),
      );
    },
    discardQueue: ({ system }) => clientOf(system).link.discard('the connection ended for good'),
    letSocketGo: ({ event, system }) => {
      if (event.type === 'RECONNECT') clientOf(system).link.letGo = { code: event.code ?? 1000, reason: event.reason ?? '' };
    },
  },
});

/** What `bindSocket` gives the public class: the actor, the state its hot path shares, its steps. */
export interface SocketBinding {
  readonly actor: Actor<typeof socketMachine>;
  readonly link: SocketLink;
  readonly outbox: Outbox;
  /** Sends an event to the actor as one step (see `Outbox`). */
  send(event: SocketMachineEvent): void;
}

/** The inspector, made harmless: its first throw is reported; it can never stop the actor. */
function guardedInspector(inspect: unknown, reporter: CallbackReporter): (event: InspectionEvent) => void {
  const observe =
    typeof inspect === 'function'
      ? (inspect as (event: InspectionEvent) => void)
      : typeof (inspect as { next?: unknown } | null)?.next === 'function'
        ? (event: InspectionEvent) => (inspect as { next(event: InspectionEvent): void }).next(event)
        : null;
  if (observe === null) {
    throw new TypeError(`heartsocket: options.inspect must be a function or an observer with next(), got ${String(inspect)}.`);
  }
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

/** The policy options as the machine takes them, with `shouldReconnect` made safe. */
function policyInput(options: SocketOptions, reporter: CallbackReporter) {
  const { heartbeat, reconnect, connectTimeout, closeTimeout, startClosed } = options;
  const shouldReconnect = reconnect ? reconnect.shouldReconnect : undefined;
  return {
    heartbeat,
    // A shouldReconnect that throws counts as "no": the connection ends, and the throw is reported.
    reconnect:
      reconnect && shouldReconnect
        ? { ...reconnect, shouldReconnect: reporter.guard('reconnect.shouldReconnect', shouldReconnect, false) }
        : reconnect,
    connectTimeout,
    closeTimeout,
    startClosed,
  };
}

/**
 * Validates everything at the call (bad input throws here, never later in a retry loop) and binds
 * the pure machine to real sockets. The actor is returned unstarted.
 */
export function bindSocket(url: UrlSource, protocols: unknown, options: SocketOptions, hooks: LinkHooks): SocketBinding {
  const resolveUrl = urlResolver(url);
  const resolveProtocols = protocolsResolver(protocols);
  const settings = resolveSettings(options);
  const WebSocket = webSocketConstructor(options.WebSocket);
  checkProtocolPings(settings.heartbeat.protocol, WebSocket);
  const userClock = checkClock(options.clock);
  const reporter = new CallbackReporter();
  const inspect = options.inspect === undefined ? undefined : guardedInspector(options.inspect, reporter);
  const outbox = new Outbox();
  const clock = actorClock(userClock, outbox.enter, reporter);
  const link = new SocketLink(queueMax(options.queue), hooks, clock.now);

  const input: SocketMachineInput = {
    ...policyInput(options, reporter),
    silentFor: link.silentFor,
    now: clock.now,
    random: Math.random,
    hostIsOffline,
  };
  const actor = createActor(boundMachine, { input, clock, ...(inspect !== undefined && { inspect }) });
  const send = (event: SocketMachineEvent) => outbox.enter(() => actor.send(event));
  reporter.attach(send);
  clients.set(actor.system, {
    link,
    enter: outbox.enter,
    socket: createSocketCallback({
      WebSocket,
      resolveUrl,
      resolveProtocols,
      // `ws` closes a lingering TCP connection itself after its own closeTimeout (30 s by default),
      // with the peer's close code. Real time only: a test clock cannot drive ws's timer.
      constructorOptions:
        isWsConstructor(WebSocket) && userClock === undefined ? { closeTimeout: settings.closeTimeout } : undefined,
      heartbeat: settings.heartbeat,
      link,
      reporter,
      enter: outbox.enter,
    }),
  });
  return { actor, link, outbox, send };
}
