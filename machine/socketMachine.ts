import { assertEvent, assign, emit, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import { backoffDelay } from './backoff.js';
import {
  abandoned,
  closeForReconnect,
  closeFromInvalidOption,
  closeFromSocket,
  closeFromUser,
  heartbeatClose,
  heartbeatCloseFromSocket,
  HEARTBEAT_TIMEOUT_CLOSE,
  type CloseParams,
} from './closes.js';
import { SESSION_HANDSHAKE, withSessionHandshake } from './sessionHandshake.js';
import { resolveSettings, type CloseInfo } from './settings.js';
import { implementedByAdapter, suppliedByAdapter } from './suppliedByAdapter.js';
import type {
  SocketCommand,
  SocketContext,
  SocketEmitted,
  SocketEvent,
  SocketMachineEvent,
  SocketMachineInput,
  SocketTag,
  NetworkEvent,
} from './types.js';

// The six states a user sees, and where they sit. Each carries the tag of its name (`▸ open`:
// `snapshot.hasTag('open')`; `stateNameOf` reads the tags); every snapshot has exactly one of the
// six. `(+ forGood)`: also tagged `forGood`, over or closing for good (nothing more is sent,
// nothing reconnects until `reconnect()`). `#live`: the id deep transitions target it by. The
// nesting makes the rules: a socket lives exactly as long as `live`.
//
//   start                              passed through at once: no snapshot rests here
//   running
//   ├─ live #live                      one socket, for exactly as long as this state is active
//   │  ├─ connecting                   ▸ connecting
//   │  │  ├─ opening                     the socket is being opened
//   │  │  └─ handshake                   `resume` on only: the server's first frame, then its answer
//   │  │     └─ awaitingHello, awaitingAnswer (no answer: closed with 4002)   machine/sessionHandshake.ts
//   │  ├─ connected #connected
//   │  │  ├─ open                      ▸ open
//   │  │  └─ awaitingPong              ▸ awaitingPong
//   │  │     └─ forPong, forBufferedInput, forPongAgain, forBufferedInputAgain
//   │  └─ closing                      ▸ closing
//   │     ├─ forGood                     (+ forGood) the user's close()
//   │     └─ deadPeer #deadPeer          no pong: the policy decides what follows
//   └─ reconnectWait #reconnectWait    ▸ reconnectWait
//      ├─ backoff
//      └─ offline #offline
//   closed #closed                     ▸ closed
//   ├─ ended                             (+ forGood)
//   └─ notStarted                        `startClosed`, before the first `reconnect()`

/** The parts of the session handshake (`SESSION_HANDSHAKE`) without sessions: an open socket is an open connection. */
const WITHOUT_SESSIONS = { entering: [], states: {}, whileBusy: {} } as const;

/**
 * The statechart. `watchesNetwork: false` leaves out the `network` actor, for hosts that have no
 * online/offline signal (Node): it would never say anything, and each actor costs memory per
 * connection. Nothing else differs (a unit test compares the two). `session`: the handshake's
 * parts (machine/sessionHandshake.ts), or none. The implementations it names are in
 * `machineSetup`, below (the handshake's in `withSessionHandshake`).
 */
function socketChart<const Entering extends readonly object[], const States extends object, const WhileBusy extends object>(
  watchesNetwork: boolean,
  session: { readonly entering: Entering; readonly states: States; readonly whileBusy: WhileBusy },
) {
  // (Each part its own type parameter: TypeScript keeps a spread type parameter's keys, not a spread member's.)
  const { entering, states, whileBusy } = session;
  return {
    id: 'heartsocket',
    context: ({ input }: { input: SocketMachineInput }): SocketContext => ({
      settings: input.settings ?? resolveSettings(input),
      retries: 0,
      retryDelay: 0,
      lastClose: null,
      pingSentAt: 0,
      silentFor: input.silentFor,
      now: input.now,
      random: input.random,
      hostIsOffline: input.hostIsOffline ?? (() => false),
      socketExists: input.socketExists ?? (() => true),
      handshakeTimeout: input.handshakeTimeout,
    }),
    initial: 'start',
    on: {
      // A function from the options threw (shouldReconnect, isPong, the inspector, …): the adapter
      // caught it and reports it here, and the connection goes on.
      'CALLBACK.THREW': { actions: 'announceError' },
    },
    states: {
      /** Where a connection begins: not yet (`startClosed`), waiting for the network, or connecting. */
      start: {
        always: [
          { guard: 'startsClosed', target: 'closed.notStarted' },
          // No attempt while the host says offline, so none uses up maxRetries.
          { guard: 'hostIsOffline', target: '#offline' },
          { target: 'running' },
        ],
      },
      running: {
        invoke: watchesNetwork ? ({ id: 'network', src: 'network' } as const) : [],
        initial: 'live',
        on: {
          SEND: { actions: 'transmit' },
          // close() where no handshake is possible (connecting, reconnectWait): over for good at once.
          CLOSE: { target: '#closed', actions: reportClose(closeFromUser) },
        },
        states: {
          /** A socket exists: exactly one, for exactly as long as this state is active. */
          live: {
            id: 'live',
            invoke: { id: 'socket', src: 'socket' },
            initial: 'connecting',
            on: {
              'SOCKET.ERROR': { actions: 'announceError' },
              // A fresh socket now; the old one is abandoned when this state is re-entered.
              RECONNECT: [
                // The attempt is still looking up its URL: no socket yet, so none to report closed.
                { guard: 'noSocketYet', target: '#live', reenter: true, actions: 'resetRetries' },
                {
                  target: '#live',
                  reenter: true,
                  actions: ['letSocketGo', reportClose(closeForReconnect), 'resetRetries'],
                },
              ],
              'NETWORK.OFFLINE': waitForNetworkOrEnd(abandoned('network offline')),
            },
            states: {
              connecting: {
                tags: ['connecting'],
                initial: 'opening',
                on: {
                  'SOCKET.CLOSE': retryOrEnd(closeFromSocket),
                  'SOCKET.INVALID': {
                    target: '#closed',
                    actions: ['announceError', reportClose(closeFromInvalidOption)],
                  },
                },
                after: {
                  connectTimeout: retryOrEnd(abandoned('connect timeout')),
                },
                states: {
                  opening: {
                    on: {
                      // With the session handshake, `resume` on: to `handshake` first (SESSION_HANDSHAKE.entering).
                      'SOCKET.OPEN': [...entering, { target: '#connected', actions: ['flushQueue', 'announceOpen'] }],
                    },
                  },
                  // With the session handshake: `handshake`, hello then answer (SESSION_HANDSHAKE.states).
                  ...states,
                },
              },
              connected: {
                id: 'connected',
                initial: 'open',
                after: {
                  // Only a connection that stays up earns a fresh backoff: a flapping server still backs off.
                  minUptime: { actions: 'resetRetries' },
                },
                on: {
                  'SOCKET.CLOSE': retryOrEnd(closeFromSocket),
                  CLOSE: { target: 'closing.forGood', actions: 'closeSocketAsAsked' },
                },
                states: {
                  open: {
                    tags: ['open'],
                    after: {
                      heartbeatInterval: [
                        // heartbeat: false — the timer fires once and nothing follows.
                        { guard: 'heartbeatIsOff' },
                        // Traffic arrived meanwhile: wait out the rest of the interval. A busy session
                        // acknowledges here, at least once per interval (SESSION_HANDSHAKE.whileBusy).
                        { guard: 'peerWasHeardWithinInterval', target: 'open', reenter: true, ...whileBusy },
                        { target: 'awaitingPong' },
                      ],
                    },
                  },
                  awaitingPong: {
                    tags: ['awaitingPong'],
                    entry: ['notePingSent', 'sendPing'],
                    on: {
                      'PEER.HEARD': { target: 'open' },
                    },
                    initial: 'forPong',
                    states: {
                      /** The ping is out: the peer has `heartbeat.timeout` to answer. */
                      forPong: {
                        after: { pongTimeout: { target: 'forBufferedInput' } },
                      },
                      /** One event-loop turn: a pong already received but not yet read still counts. */
                      forBufferedInput: {
                        after: {
                          pendingInput: [
                            // Fired long after it was due: one more wait, never more.
                            { guard: 'pongTimerFiredLate', target: 'forPongAgain' },
                            { target: '#deadPeer' },
                          ],
                        },
                      },
                      /** The pong timer fired late (the host stalled, not the peer): the peer gets one more wait. */
                      forPongAgain: {
                        after: { pongTimeout: { target: 'forBufferedInputAgain' } },
                      },
                      /** One more event-loop turn for a pong already received; then the peer is judged dead. */
                      forBufferedInputAgain: {
                        after: { pendingInput: { target: '#deadPeer' } },
                      },
                    },
                  },
                },
              },
              /** Closing handshake: for good (the user's close()), or because the peer went silent. */
              closing: {
                tags: ['closing'],
                initial: 'forGood',
                states: {
                  /** The user's close(): nothing is sent or reconnected after it. */
                  forGood: {
                    tags: ['forGood'],
                    on: {
                      SEND: { actions: 'refuseSend' },
                      'SOCKET.CLOSE': { target: '#closed', actions: reportClose(closeFromSocket) },
                      // Already closing for good: a second close() adds nothing.
                      CLOSE: {},
                      'NETWORK.OFFLINE': { target: '#closed', actions: reportClose(abandoned('network offline')) },
                    },
                    after: {
                      // On a dead network the close event can take minutes: stop waiting for it.
                      closeTimeout: { target: '#closed', actions: reportClose(abandoned('close timeout')) },
                    },
                  },
                  /** No reply to the ping: the socket is closed with 4000, and the policy decides what follows. */
                  deadPeer: {
                    id: 'deadPeer',
                    entry: 'closeSocketForSilence',
                    on: {
                      'SOCKET.CLOSE': retryOrEnd(heartbeatCloseFromSocket),
                      // The peer is judged dead already: close() stops waiting for its answer.
                      CLOSE: { target: '#closed', actions: reportClose(heartbeatClose(false)) },
                      'NETWORK.OFFLINE': waitForNetworkOrEnd(heartbeatClose(false)),
                    },
                    after: {
                      closeTimeout: retryOrEnd(heartbeatClose(false)),
                    },
                  },
                },
              },
            },
          },
          reconnectWait: {
            id: 'reconnectWait',
            tags: ['reconnectWait'],
            initial: 'backoff',
            on: {
              RECONNECT: { target: '#live', actions: 'resetRetries' },
              'NETWORK.ONLINE': { target: '#live' },
            },
            states: {
              backoff: {
                entry: 'scheduleRetry',
                after: {
                  reconnectDelay: { target: '#live' },
                },
                on: {
                  'NETWORK.OFFLINE': { target: 'offline' },
                },
              },
              /** The host says there is no network: no attempts until it says `online`. */
              offline: { id: 'offline' },
            },
          },
        },
      },
      /** The end: after close(), or when reconnecting is off, refused or exhausted; or not begun yet. */
      closed: {
        id: 'closed',
        tags: ['closed'],
        initial: 'ended',
        on: {
          RECONNECT: { target: 'running', actions: 'resetRetries' },
        },
        states: {
          /** Over for good: what was queued is handed back, and nothing more is taken. */
          ended: {
            tags: ['forGood'],
            entry: 'discardQueue',
            on: { SEND: { actions: 'refuseSend' } },
          },
          /** `startClosed`: nothing has happened yet; messages queue for the first `reconnect()`. */
          notStarted: {
            on: {
              SEND: { actions: 'transmit' },
              CLOSE: { target: 'ended' },
            },
          },
        },
      },
    },
  } as const;
}

/**
 * Where the end of a socket leads when the user did not ask for it: the reconnect policy
 * (enabled, retries left, `shouldReconnect(close)`) decides between a retry and the end.
 */
function retryOrEnd(close: CloseParams) {
  return [
    { guard: { type: 'mayReconnect', params: close }, target: '#reconnectWait', actions: reportClose(close) },
    { target: '#closed', actions: reportClose(close) },
  ] as const;
}

/**
 * The network went away under a socket: if the policy allows a retry, wait for the network to
 * return (no attempt, no retry used meanwhile); else the end.
 */
function waitForNetworkOrEnd(close: CloseInfo) {
  return [
    { guard: { type: 'mayReconnect', params: close }, target: '#offline', actions: reportClose(close) },
    { target: '#closed', actions: reportClose(close) },
  ] as const;
}

/** A socket ended (or was let go): remember how, and tell the observers. Exactly once per socket. */
function reportClose(close: CloseParams) {
  return { type: 'reportClose', params: close } as const;
}

/**
 * How far past its due time a timer may fire and still count as on time: above ordinary timer
 * jitter (and browsers' 4 ms clamping), below any stall, suspend or sleep worth the name.
 *
 * @example
 * ```ts
 * // A pong timer due at 3000 ms that fires at 3150 ms was late: the peer gets one more wait.
 * const late = 3150 - 3000 > LATE_TIMER_SLACK; // true
 * ```
 */
export const LATE_TIMER_SLACK = 100;

/** The implementations the statechart names: actors, actions, guards and delays. */
const machineSetup = setup({
  types: {
    context: {} as SocketContext,
    events: {} as SocketMachineEvent,
    input: {} as SocketMachineInput,
    emitted: {} as SocketEmitted,
    tags: {} as SocketTag,
  },
  actors: {
    /** The one underlying WebSocket: opened when invoked, abandoned when stopped. */
    socket: fromCallback<SocketCommand, void, SocketEvent>(implementedByAdapter),
    /** The host's online/offline signal. Hosts without one (Node) report nothing. */
    network: fromCallback<NetworkEvent>(implementedByAdapter),
  },
  actions: {
    /** Write the messages queued while disconnected to the new socket, in order. */
    flushQueue: implementedByAdapter,
    /** Send the user's data now if open, else queue it (`SEND`, for actor users). */
    transmit: implementedByAdapter,
    /** Report the queued messages that will never be sent, now that the connection is over. */
    discardQueue: implementedByAdapter,
    /** Report a `SEND` that came after the end: it is not queued for a later `reconnect()`. */
    refuseSend: implementedByAdapter,
    sendPing: sendTo('socket', { type: 'PING' } satisfies SocketCommand),
    /** Measured from here, a pong timer that fires long after it was due is recognised as late. */
    notePingSent: assign({ pingSentAt: ({ context }) => context.now() }),
    /** The user's `close(code, reason)`, passed on to the socket's closing handshake. */
    closeSocketAsAsked: sendTo('socket', ({ event }): SocketCommand => {
      assertEvent(event, 'CLOSE');
      return { type: 'CLOSE', code: event.code ?? 1000, reason: event.reason ?? '' };
    }),
    closeSocketForSilence: sendTo('socket', { type: 'CLOSE', ...HEARTBEAT_TIMEOUT_CLOSE } satisfies SocketCommand),
    /**
     * `reconnect(code?, reason?)`: with a code, the socket about to be replaced closes with it and
     * finishes its handshake on its own, detached; without, it is dropped. (Told before `live` is
     * left: a message sent to the `socket` actor would arrive after it stopped.)
     */
    letSocketGo: implementedByAdapter,
    /** `open`; never resumed without the session handshake (which has its own). */
    announceOpen: emit({ type: 'open', resumed: false } as const),
    announceError: emit(({ event }) => ({
      type: 'error' as const,
      error: 'error' in event ? event.error : undefined,
    })),
    // One step: remember how the socket ended, then tell the observers. (`params` is typed where it
    // is given, by `reportClose()` above: XState cannot infer a typed parameter of enqueueActions.)
    reportClose: enqueueActions(({ enqueue }, params: unknown) => {
      const close = params as CloseInfo;
      enqueue.assign({ lastClose: close });
      enqueue.emit({ type: 'close', ...close });
    }),
    scheduleRetry: assign(({ context }) => {
      const retries = context.retries + 1;
      return { retries, retryDelay: backoffDelay(context.settings.reconnect, retries, context.random) };
    }),
    resetRetries: assign({ retries: 0 }),
  },
  guards: {
    startsClosed: ({ context }) => context.settings.startClosed,
    noSocketYet: ({ context }) => !context.socketExists(),
    hostIsOffline: ({ context }) => context.hostIsOffline(),
    mayReconnect: ({ context }, close: CloseInfo) => {
      const policy = context.settings.reconnect;
      return policy.enabled && context.retries < policy.maxRetries && policy.shouldReconnect(close);
    },
    heartbeatIsOff: ({ context }) => !context.settings.heartbeat.enabled,
    // Judged against the clock when the timer fires, not trusted: traffic since the timer was set,
    // or a timer that fired early, means the peer has not been silent for a whole interval yet.
    peerWasHeardWithinInterval: ({ context }) => context.silentFor() < context.settings.heartbeat.interval,
    // A stalled event loop, a suspended process or a sleeping host fires the timer late: the
    // silence was ours, not the peer's, so it does not condemn the peer by itself.
    pongTimerFiredLate: ({ context }) =>
      context.now() - context.pingSentAt > context.settings.heartbeat.timeout + LATE_TIMER_SLACK,
  },
  delays: {
    /** What is left of the heartbeat interval, counted from the last message heard. */
    heartbeatInterval: ({ context }) => Math.max(0, context.settings.heartbeat.interval - context.silentFor()),
    pongTimeout: ({ context }) => context.settings.heartbeat.timeout,
    /** One turn of the event loop: input that has already arrived is read before the peer is judged. */
    pendingInput: 0,
    reconnectDelay: ({ context }) => context.retryDelay,
    connectTimeout: ({ context }) => context.settings.connectTimeout,
    closeTimeout: ({ context }) => context.settings.closeTimeout,
    minUptime: ({ context }) => context.settings.reconnect.minUptime,
  },
});

/** The setup of the statechart without the session handshake (`withSessionHandshake` extends it). */
export type MachineSetup = typeof machineSetup;

/**
 * The statechart with the session handshake, unbound: `socketMachine` before its stand-ins. Called
 * by pure calls (marked so for bundlers): a bundle without `resume` leaves it out.
 */
function sessionChart(watchesNetwork: boolean) {
  return withSessionHandshake(machineSetup).createMachine(socketChart(watchesNetwork, SESSION_HANDSHAKE));
}

/**
 * The statechart with the session handshake, for the adapter of heartsocket/resume, which
 * provides every part an adapter supplies (the exported {@link socketMachine} is this one with
 * loud stand-ins for them).
 * @internal
 */
export const sessionSocketMachine = /* @__PURE__ */ sessionChart(true);
/** {@link sessionSocketMachine} without its `network` actor. @internal */
export const sessionSocketMachineWithoutNetworkSignal = /* @__PURE__ */ sessionChart(false);

/**
 * The exported machines: run bare, what the adapter must supply fails loudly instead of sitting in
 * `connecting` forever. (The `network` actor may stay silent: hosts without an online/offline
 * signal have nothing to say.)
 */
function withStandIns(machine: typeof sessionSocketMachine) {
  return machine.provide({
    actors: { socket: fromCallback<SocketCommand, void, SocketEvent>(suppliedByAdapter('socket')) },
    actions: {
      flushQueue: suppliedByAdapter('flushQueue'),
      transmit: suppliedByAdapter('transmit'),
      discardQueue: suppliedByAdapter('discardQueue'),
      refuseSend: suppliedByAdapter('refuseSend'),
      letSocketGo: suppliedByAdapter('letSocketGo'),
      endHandshake: suppliedByAdapter('endHandshake'),
      deliverHeldFrame: suppliedByAdapter('deliverHeldFrame'),
    },
  });
}

/**
 * The statechart without the session handshake, for the adapter when `resume` is off: the same
 * states, `connecting.handshake` left out (`heartsocket/resume` runs {@link sessionSocketMachine}).
 * @internal
 */
export const plainSocketMachine = machineSetup.createMachine(socketChart(true, WITHOUT_SESSIONS));
/** {@link plainSocketMachine} without its `network` actor. @internal */
export const plainSocketMachineWithoutNetworkSignal = machineSetup.createMachine(socketChart(false, WITHOUT_SESSIONS));

/**
 * The connection statechart: `connecting`, `open`, `awaitingPong`, `closing`, `reconnectWait` and
 * `closed` (nested, each tagged with its name; {@link stateNameOf} gives the flat name). Pure: no I/O, no globals. The
 * adapter provides the `socket` actor and the `flushQueue`, `transmit`, `refuseSend`,
 * `discardQueue` and `letSocketGo` actions; `createSocketActor` and `HeartSocket` do that for you.
 *
 * @example
 * ```ts
 * import { createActor, fromCallback } from 'xstate';
 * const machine = socketMachine.provide({
 *   actors: { socket: fromCallback(({ sendBack, receive }) => { ... }) }, // your transport
 *   actions: { flushQueue() {}, transmit() {}, refuseSend() {}, discardQueue() {}, letSocketGo() {} },
 * });
 * const actor = createActor(machine, {
 *   input: { heartbeat: { interval: 1000 }, silentFor: () => 0, now: () => performance.now(), random: Math.random },
 * }).start();
 * ```
 */
export const socketMachine = /* @__PURE__ */ withStandIns(sessionSocketMachine);

/**
 * {@link socketMachine} without its `network` actor, for hosts with no online/offline signal.
 *
 * @example
 * ```ts
 * const machine = typeof navigator === 'undefined' ? socketMachineWithoutNetworkSignal : socketMachine;
 * ```
 */
export const socketMachineWithoutNetworkSignal = /* @__PURE__ */ withStandIns(sessionSocketMachineWithoutNetworkSignal);

/**
 * The type of {@link socketMachine}.
 *
 * @example
 * ```ts
 * import type { ActorRefFrom, SnapshotFrom } from 'xstate';
 * type SocketActorRef = ActorRefFrom<SocketMachine>;
 * type SocketSnapshot = SnapshotFrom<SocketMachine>;
 * ```
 */
export type SocketMachine = typeof socketMachine;
