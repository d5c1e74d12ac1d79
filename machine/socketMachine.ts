import { assign, emit, fromCallback, sendTo, setup } from 'xstate';
import { backoffDelay } from './backoff.js';
import { resolveSettings, type CloseInfo } from './settings.js';
import type {
  SocketCommand,
  SocketContext,
  SocketEmitted,
  SocketEvent,
  SocketMachineEvent,
  SocketMachineInput,
  NetworkEvent,
} from './types.js';

/**
 * The close code and reason the heartbeat uses when no reply came to a ping.
 *
 * @example
 * ```ts
 * socket.onclose = (event) => {
 *   if (event.code === HEARTBEAT_TIMEOUT_CLOSE.code) console.log('the peer went silent');
 * };
 * ```
 */
export const HEARTBEAT_TIMEOUT_CLOSE = { code: 4000, reason: 'heartbeat timeout' } as const;

/**
 * Close code of a socket that ended without a close frame (the WebSocket standard's 1006).
 *
 * @example
 * ```ts
 * socket.onclose = (event) => {
 *   // the network dropped, or heartsocket abandoned the socket (event.reason says why)
 *   if (event.code === ABNORMAL_CLOSURE) console.log('connection lost:', event.reason);
 * };
 * ```
 */
export const ABNORMAL_CLOSURE = 1006;

/** A socket we stopped waiting for: it is detached and reported closed with 1006 and this reason. */
const abandoned = (reason: string): CloseInfo => ({ code: ABNORMAL_CLOSURE, reason, wasClean: false });

/**
 * An implementation the adapter must supply: the machine does no I/O of its own. Using the bare
 * machine without providing it fails loudly instead of sitting in `connecting` forever.
 */
function suppliedByAdapter(name: string): () => never {
  return () => {
    throw new Error(
      `heartsocket: socketMachine needs "${name}" from its adapter; run it with createSocketActor() or ` +
        `provide it: socketMachine.provide({ ${name === 'socket' ? 'actors' : 'actions'}: { ${name} } }).`,
    );
  };
}

type CloseEventArgs = { event: SocketMachineEvent };

/** The close fields of a `SOCKET.CLOSE` event. */
const closeFromSocket = ({ event }: CloseEventArgs): CloseInfo => {
  const { code, reason, wasClean } = event as Extract<SocketEvent, { type: 'SOCKET.CLOSE' }>;
  return { code, reason, wasClean };
};

/** The close a user's `close(code, reason)` reports when no socket is there to do the handshake. */
const closeFromUser = ({ event }: CloseEventArgs): CloseInfo => {
  const { code = 1000, reason = '' } = event as Extract<SocketMachineEvent, { type: 'CLOSE' }>;
  return { code, reason, wasClean: false };
};

type CloseParams = CloseInfo | ((args: CloseEventArgs) => CloseInfo);

/** A socket ended: remember how (`recordClose`), then tell the observers (`announceClose`). */
const reportClose = (close: CloseParams) => [{ type: 'recordClose', params: close }, 'announceClose'] as const;

/**
 * The connection statechart: `connecting`, `open`, `awaitingPong`, `closing`, `reconnectWait` and
 * `closed` (nested; {@link stateNameOf} gives the flat name). Pure: no I/O, no globals. The
 * adapter provides the `socket` actor and the `flushQueue`, `transmit` and `discardQueue` actions;
 * `createSocketActor` and `HeartSocket` do that for you.
 *
 * @example
 * ```ts
 * import { createActor, fromCallback } from 'xstate';
 * const machine = socketMachine.provide({
 *   actors: { socket: fromCallback(({ sendBack, receive }) => { ... }) }, // your transport
 *   actions: { flushQueue: () => {}, transmit: () => {}, discardQueue: () => {} },
 * });
 * const actor = createActor(machine, {
 *   input: { heartbeat: { interval: 1000 }, silentFor: () => 0, random: Math.random },
 * }).start();
 * ```
 */
export const socketMachine = setup({
  types: {
    context: {} as SocketContext,
    events: {} as SocketMachineEvent,
    input: {} as SocketMachineInput,
    emitted: {} as SocketEmitted,
  },
  actors: {
    /** The one underlying WebSocket: opened when invoked, abandoned when stopped. */
    socket: fromCallback<SocketCommand, void, SocketEvent>(suppliedByAdapter('socket')),
    /** The host's online/offline signal. Hosts without one (Node) report nothing. */
    network: fromCallback<NetworkEvent>(() => {}),
  },
  actions: {
    /** Write the messages queued while disconnected to the new socket, in order. */
    flushQueue: suppliedByAdapter('flushQueue'),
    /** Send the user's data now if open, else queue it (`SEND`, for actor users). */
    transmit: suppliedByAdapter('transmit'),
    /** Report the queued messages that will never be sent, now that the connection is over. */
    discardQueue: suppliedByAdapter('discardQueue'),
    /** Report a `SEND` that came after the end: it is not queued for a later `reconnect()`. */
    refuseSend: suppliedByAdapter('refuseSend'),
    sendPing: sendTo('socket', { type: 'PING' } satisfies SocketCommand),
    askSocketToClose: sendTo('socket', ({ context }): SocketCommand => ({
      type: 'CLOSE',
      ...(context.closeRequest ?? HEARTBEAT_TIMEOUT_CLOSE),
    })),
    announceOpen: emit({ type: 'open' } as const),
    announceError: emit(({ event }) => ({
      type: 'error' as const,
      error: 'error' in event ? event.error : undefined,
    })),
    /** Every socket ends exactly once: remember how (then `announceClose` tells the observers). */
    recordClose: assign((_, close: CloseInfo) => ({ lastClose: close })),
    announceClose: emit(({ context }) => ({ type: 'close' as const, ...context.lastClose! })),
    rememberCloseRequest: assign({
      closeRequest: ({ event }) => {
        const { code = 1000, reason = '' } = event as Extract<SocketMachineEvent, { type: 'CLOSE' }>;
        return { code, reason };
      },
    }),
    scheduleRetry: assign(({ context }) => {
      const retries = context.retries + 1;
      return { retries, retryDelay: backoffDelay(context.settings.reconnect, retries, context.random) };
    }),
    startAfresh: assign({ retries: 0, closeRequest: null }),
  },
  guards: {
    closeWasRequested: ({ context }) => context.closeRequest !== null,
    mayReconnect: ({ context }, close: CloseInfo) => {
      const policy = context.settings.reconnect;
      return policy.enabled && context.retries < policy.maxRetries && policy.shouldReconnect(close);
    },
    heartbeatIsOff: ({ context }) => !context.settings.heartbeat.enabled,
    // Judged against the clock when the timer fires, not trusted: traffic since the timer was set,
    // or a timer that fired early, means the peer has not been silent for a whole interval yet.
    peerWasHeardWithinInterval: ({ context }) => context.silentFor() < context.settings.heartbeat.interval,
  },
  delays: {
    /** What is left of the heartbeat interval, counted from the last message heard. */
    heartbeatInterval: ({ context }) => Math.max(0, context.settings.heartbeat.interval - context.silentFor()),
    pongTimeout: ({ context }) => context.settings.heartbeat.timeout,
    reconnectDelay: ({ context }) => context.retryDelay,
    connectTimeout: ({ context }) => context.settings.connectTimeout,
    closeTimeout: ({ context }) => context.settings.closeTimeout,
    minUptime: ({ context }) => context.settings.reconnect.minUptime,
  },
}).createMachine({
  id: 'heartsocket',
  context: ({ input }) => ({
    settings: resolveSettings(input),
    retries: 0,
    retryDelay: 0,
    lastClose: null,
    closeRequest: null,
    silentFor: input.silentFor,
    random: input.random,
  }),
  initial: 'running',
  states: {
    running: {
      invoke: { id: 'network', src: 'network' },
      initial: 'live',
      on: {
        SEND: [
          // After close(), nothing is sent again: the sender hears so.
          { guard: 'closeWasRequested', actions: 'refuseSend' },
          { actions: 'transmit' },
        ],
        // close() where no handshake is possible (connecting, reconnectWait): final at once.
        CLOSE: {
          target: 'closed',
          actions: ['rememberCloseRequest', ...reportClose(closeFromUser)],
        },
      },
      states: {
        /** A socket exists: exactly one, for exactly as long as this state is active. */
        live: {
          invoke: { id: 'socket', src: 'socket' },
          initial: 'connecting',
          on: {
            'SOCKET.ERROR': { actions: 'announceError' },
            // A fresh socket now; the old one is abandoned when this state is re-entered.
            RECONNECT: {
              target: 'live',
              reenter: true,
              actions: [...reportClose(abandoned('reconnect() called')), 'startAfresh'],
            },
            'NETWORK.OFFLINE': [
              // Offline during the user's close(): the close stays final.
              {
                guard: 'closeWasRequested',
                target: '#heartsocket.closed',
                actions: reportClose(abandoned('network offline')),
              },
              {
                target: 'reconnectWait.offline',
                actions: reportClose(abandoned('network offline')),
              },
            ],
          },
          states: {
            connecting: {
              on: {
                'SOCKET.OPEN': { target: 'connected', actions: ['flushQueue', 'announceOpen'] },
                'SOCKET.CLOSE': retryOrEnd(closeFromSocket),
                'SOCKET.URL_INVALID': {
                  target: '#heartsocket.closed',
                  actions: ['announceError', ...reportClose(abandoned('invalid url'))],
                },
              },
              after: {
                connectTimeout: retryOrEnd(abandoned('connect timeout')),
              },
            },
            connected: {
              initial: 'open',
              after: {
                // Only a connection that stays up earns a fresh backoff: a flapping server still backs off.
                minUptime: { actions: 'startAfresh' },
              },
              on: {
                'SOCKET.CLOSE': retryOrEnd(closeFromSocket),
                CLOSE: { target: 'closing', actions: 'rememberCloseRequest' },
              },
              states: {
                open: {
                  after: {
                    heartbeatInterval: [
                      // heartbeat: false — the timer fires once and nothing follows.
                      { guard: 'heartbeatIsOff' },
                      // Traffic arrived meanwhile: wait out the rest of the interval.
                      { guard: 'peerWasHeardWithinInterval', target: 'open', reenter: true },
                      { target: 'awaitingPong' },
                    ],
                  },
                },
                awaitingPong: {
                  entry: 'sendPing',
                  on: {
                    'PEER.HEARD': { target: 'open' },
                  },
                  after: {
                    pongTimeout: { target: '#heartsocket.running.live.closing' },
                  },
                },
              },
            },
            /** Closing handshake: by the user's close(), or because no pong came. */
            closing: {
              entry: 'askSocketToClose',
              on: {
                'SOCKET.CLOSE': finalOrRetry(closeFromSocket),
                // Already closing: the user's close() only makes the end final.
                CLOSE: { actions: 'rememberCloseRequest' },
              },
              after: {
                // On a dead network the close event can take minutes: stop waiting for it.
                closeTimeout: finalOrRetry(abandoned('close timeout')),
              },
            },
          },
        },
        reconnectWait: {
          initial: 'backoff',
          on: {
            RECONNECT: { target: 'live', actions: 'startAfresh' },
            'NETWORK.ONLINE': { target: 'live' },
          },
          states: {
            backoff: {
              entry: 'scheduleRetry',
              after: {
                reconnectDelay: { target: '#heartsocket.running.live' },
              },
              on: {
                'NETWORK.OFFLINE': { target: 'offline' },
              },
            },
            /** The host says there is no network: no attempts until it says `online`. */
            offline: {},
          },
        },
      },
    },
    /** The end: after close(), or when reconnecting is off, refused or exhausted. */
    closed: {
      entry: 'discardQueue',
      on: {
        SEND: { actions: 'refuseSend' },
        RECONNECT: { target: 'running', actions: 'startAfresh' },
      },
    },
  },
});

/**
 * Where the end of a socket leads when the user did not ask for it: the reconnect policy
 * (enabled, retries left, `shouldReconnect(close)`) decides between a retry and the end.
 */
function retryOrEnd(close: CloseParams) {
  return [
    {
      guard: { type: 'mayReconnect', params: close },
      target: '#heartsocket.running.reconnectWait',
      actions: reportClose(close),
    },
    { target: '#heartsocket.closed', actions: reportClose(close) },
  ] as const;
}

/** The end of a socket in `closing`: after the user's close() it is final; otherwise as above. */
function finalOrRetry(close: CloseParams) {
  return [
    { guard: 'closeWasRequested', target: '#heartsocket.closed', actions: reportClose(close) },
    ...retryOrEnd(close),
  ] as const;
}

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
