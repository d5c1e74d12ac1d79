import { createActor, fromCallback, type Actor, type InspectionEvent } from 'xstate';
import { DEFAULT_SETTINGS, resolveSettings, type SocketSettings } from '../machine/settings.js';
import { socketMachine, socketMachineWithoutNetworkSignal } from '../machine/socketMachine.js';
import type { SocketCommand, SocketEvent, SocketMachineEvent, SocketMachineInput } from '../machine/types.js';
import { CallbackReporter } from './callbacks.js';
import { actorClock, realNow, type ActorSteps } from './clock.js';
import { HeartSocketError } from './errors.js';
import { hostIsOffline, networkHost, watchNetworkStatus } from './networkStatus.js';
import {
  checkClock,
  checkProtocolPings,
  isWsConstructor,
  queueMax,
  webSocketConstructor,
  type SocketOptions,
} from './options.js';
import { Outbox } from './outbox.js';
import { checkProtocolsSource } from './protocols.js';
import { SocketClient } from './socketActor.js';
import { SocketLink, type LinkHooks } from './socketLink.js';
import { checkUrlSource, type UrlSource } from './url.js';

/**
 * Every client runs the one machine provided here (providing per client copies the whole machine,
 * some 30 KiB each). A client's own implementations are found from its actor system: each
 * `createActor` makes a new one, which the actors it invokes share.
 */
const clients = new WeakMap<object, SocketClient>();
function clientOf(system: object): SocketClient {
  const client = clients.get(system);
  if (client === undefined) {
    throw new Error('heartsocket: this machine runs only in the actor that createSocketActor() or HeartSocket made for it.');
  }
  return client;
}

const implementations = {
  actors: {
    socket: fromCallback<SocketCommand, void, SocketEvent>((args) => clientOf(args.system).run(args)),
    network: fromCallback(({ sendBack, system }) => {
      const { steps } = clientOf(system);
      return watchNetworkStatus(sendBack, (step) => steps.enter(step));
    }),
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
      // Without a code the replaced socket is dropped (terminate()), as the cleanup does by default.
      if (event.type === 'RECONNECT' && event.code !== undefined) {
        clientOf(system).link.letGo = { code: event.code, reason: event.reason ?? '' };
      }
    },
  },
} satisfies Parameters<typeof socketMachine.provide>[0];

const boundMachine = socketMachine.provide(implementations);
/** Where the host has no online/offline signal (Node), no `network` actor: it would never speak. */
const boundMachineWithoutNetworkSignal = socketMachineWithoutNetworkSignal.provide(implementations);

/** What `bindSocket` gives the public class: the actor, the state its hot path shares, its steps. */
export interface SocketBinding {
  readonly actor: Actor<typeof socketMachine>;
  readonly link: SocketLink;
  readonly outbox: Outbox;
}

/** Sends an event to the actor as one step (see `Outbox`). */
export function sendAsStep(actor: Actor<typeof socketMachine>, outbox: ActorSteps, event: SocketMachineEvent): void {
  outbox.enter(() => actor.send(event));
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

/** Whether two objects have the same keys with the same values (`===`), one level down too. */
function sameSettings(a: object, b: object): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const x: unknown = (a as Record<string, unknown>)[key];
    const y: unknown = (b as Record<string, unknown>)[key];
    if (x === y) return true;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    return Object.keys(x).length === Object.keys(y).length &&
      Object.keys(x).every((inner) => (x as Record<string, unknown>)[inner] === (y as Record<string, unknown>)[inner]);
  });
}

/**
 * The settings of the latest client, frozen as the defaults are: a client made with the same
 * options shares them (resolved afresh, each client would keep two more objects).
 */
let latestSettings: SocketSettings = DEFAULT_SETTINGS;
function shared(settings: SocketSettings): SocketSettings {
  if (sameSettings(settings, latestSettings)) return latestSettings;
  latestSettings = Object.freeze({
    ...settings,
    heartbeat: Object.freeze({ ...settings.heartbeat }),
    reconnect: Object.freeze({ ...settings.reconnect }),
  });
  return latestSettings;
}

/** The settings with a user's `shouldReconnect` made safe: one that throws counts as "no", and is reported. */
function withSafeCallbacks(settings: SocketSettings, options: SocketOptions, reporter: CallbackReporter): SocketSettings {
  if (!options.reconnect || options.reconnect.shouldReconnect === undefined) return settings;
  const shouldReconnect = reporter.guard('reconnect.shouldReconnect', settings.reconnect.shouldReconnect, false);
  return { ...settings, reconnect: { ...settings.reconnect, shouldReconnect } };
}

/**
 * Validates everything at the call (bad input throws here, never later in a retry loop) and binds
 * the pure machine to real sockets. The actor is returned unstarted.
 */
export function bindSocket(url: UrlSource, protocols: unknown, options: SocketOptions, hooks: LinkHooks): SocketBinding {
  const checkedUrl = checkUrlSource(url);
  const checkedProtocols = checkProtocolsSource(protocols);
  const settings = resolveSettings(options);
  const WebSocket = webSocketConstructor(options.WebSocket);
  checkProtocolPings(settings.heartbeat.protocol, WebSocket);
  const userClock = checkClock(options.clock);
  const reporter = new CallbackReporter();
  const inspect = options.inspect === undefined ? undefined : guardedInspector(options.inspect, reporter);
  const outbox = new Outbox();
  const clock = actorClock(userClock, outbox, reporter);
  // Real time is one shared function; a user's clock is asked through its wrapper.
  const now = userClock === undefined ? realNow : () => clock.now();
  const link = new SocketLink(queueMax(options.queue), hooks, now);

  const clientSettings = shared(withSafeCallbacks(settings, options, reporter));
  const input: SocketMachineInput = {
    settings: clientSettings,
    silentFor: link.silentFor,
    now,
    random: Math.random,
    hostIsOffline,
    socketExists: link.socketExists,
  };
  const machine = networkHost() === null ? boundMachineWithoutNetworkSignal : boundMachine;
  const actor = createActor(machine, { input, clock, ...(inspect !== undefined && { inspect }) });
  reporter.attach(actor, outbox);
  clients.set(
    actor.system,
    new SocketClient({
      WebSocket,
      url: checkedUrl,
      protocols: checkedProtocols,
      // `ws` closes a lingering TCP connection itself after its own closeTimeout (30 s by default),
      // with the peer's close code. Real time only: a test clock cannot drive ws's timer.
      wsCloseTimeout: isWsConstructor(WebSocket) && userClock === undefined ? clientSettings.closeTimeout : undefined,
      isWs: isWsConstructor(WebSocket),
      heartbeat: clientSettings.heartbeat,
      link,
      reporter,
      steps: outbox,
    }),
  );
  return { actor, link, outbox };
}
