/**
 * The session handshake (`resume` on, docs/resume.md): the states `socketMachine` adds to
 * `connecting` between the socket opening and `open`, and their implementations. Apart from the
 * rest of the statechart so that the machine the plain adapter runs leaves them out: an app
 * without `resume` ships none of it (heartsocket/resume brings the machine with them).
 */
import { assertEvent, emit, raise, sendTo } from 'xstate';
import { HANDSHAKE_TIMEOUT_CLOSE } from './closes.js';
import type { MachineSetup } from './socketMachine.js';
import { implementedByAdapter } from './suppliedByAdapter.js';
import type { SocketCommand } from './types.js';

/**
 * What the handshake adds to the statechart (`socketChart` places each part):
 * - `entering`: taken first on `SOCKET.OPEN`, with `resume` on;
 * - `states`: `connecting.handshake`, the server's `hello`, then its answer;
 * - `whileBusy`: what the heartbeat timer does on a busy connection (acknowledge).
 */
export const SESSION_HANDSHAKE = {
  // `resume` on: the server's first frame says whether it keeps sessions.
  entering: [{ guard: 'resumeIsOn', target: 'handshake' }],
  states: {
    /**
     * The socket is open, the session is not settled yet: `state` stays `connecting`.
     * Whatever the outcome, a resumed session's unacknowledged messages are re-sent
     * (`endHandshake`) before the queue is flushed, so the order holds; a plain
     * server's first frame, held meanwhile, reaches the app right after `open`.
     */
    handshake: {
      initial: 'awaitingHello',
      on: {
        'SESSION.READY': {
          target: '#connected',
          actions: ['endHandshake', 'flushQueue', 'announceSession', 'announceOpen', 'deliverHeldFrame'],
        },
      },
      states: {
        awaitingHello: {
          on: { 'SESSION.HELLO': { target: 'awaitingAnswer' } },
          // Silence: a plain server with nothing to say yet. Open as a plain connection.
          after: { handshakeTimeout: { actions: 'concludeUnsupported' } },
        },
        // A session server that does not answer is not a plain one: close with 4002
        // (the session stops listening to this socket), and the socket's close goes
        // to the policy as in `connecting`.
        awaitingAnswer: {
          after: { handshakeTimeout: { actions: 'closeSocketForHandshake' } },
        },
      },
    },
  },
  // A busy session acknowledges at least once per heartbeat interval.
  whileBusy: { actions: 'acknowledge' },
} as const;

/** `machineSetup` with the handshake's implementations: actions, its guard and its delay. */
export function withSessionHandshake(machineSetup: MachineSetup) {
  return machineSetup.extend({
    actions: {
      closeSocketForHandshake: sendTo('socket', { type: 'CLOSE', ...HANDSHAKE_TIMEOUT_CLOSE } satisfies SocketCommand),
      /**
       * A busy session tells the server how much its app received (`␐ack <n>`), if it does not know
       * yet. The adapter's (heartsocket/resume): nothing here.
       */
      acknowledge: () => {},
      /**
       * The handshake is over (a session, a plain server, or silence): the socket becomes the one
       * `send()` writes to, and a resumed session's unacknowledged messages are re-sent on it.
       */
      endHandshake: implementedByAdapter,
      /** The first frame of a plain server, held during the handshake: now the app's, after `open`. */
      deliverHeldFrame: implementedByAdapter,
      announceSession: emit(({ event }) => {
        assertEvent(event, 'SESSION.READY');
        return { type: 'resume' as const, resumed: event.resumed, reason: event.reason, sessionId: event.sessionId };
      }),
      /** `hello` never came: the handshake ends as if the server had said it keeps no sessions. */
      concludeUnsupported: raise({ type: 'SESSION.READY', resumed: false, reason: 'unsupported', sessionId: null }),
      /** `open`, resumed or not. */
      announceOpen: emit(({ event }) => ({
        type: 'open' as const,
        resumed: event.type === 'SESSION.READY' && event.resumed,
      })),
    },
    guards: {
      resumeIsOn: ({ context }) => context.handshakeTimeout !== undefined,
    },
    delays: {
      /** `resumable({ timeout })`: for the server's `hello`, then again for its answer. */
      handshakeTimeout: ({ context }) => context.handshakeTimeout ?? 0,
    },
  });
}

