import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { socketMachine } from '../../machine/socketMachine.js';
import { stateNameOf } from '../../machine/stateName.js';
import type { PolicyOptions } from '../../machine/settings.js';
import type { SocketCommand, SocketEmitted, SocketStateName } from '../../machine/types.js';

/** Short timings for the unit tests of the machine: every delay in tens or hundreds of ms of the simulated clock. */
export const FAST = {
  heartbeat: { interval: 100, timeout: 50 },
  reconnect: { delay: 200, minUptime: 1000 },
  connectTimeout: 500,
  closeTimeout: 80,
} as const;

/**
 * The machine alone, under a simulated clock, with test doubles for what the adapter supplies.
 * Each started socket actor is recorded, so tests can see how many exist and what they were told.
 */
export function startMachine(
  options: PolicyOptions = {},
  {
    random = () => 0.5,
    hostIsOffline = (): boolean => false,
    socketExists = (): boolean => true,
    handshakeTimeout = undefined as number | undefined,
    /** Leave `acknowledge` to the machine's own (a no-op: the adapter brings the real one). */
    machinesAcknowledge = false,
  } = {},
) {
  const clock = new SimulatedClock();
  let lastHeardAt = 0;
  const sockets: { commands: SocketCommand[]; stopped: boolean }[] = [];
  const calls = { flushQueue: 0, discardQueue: 0, transmit: [] as unknown[], refused: [] as unknown[], letGo: [] as unknown[] };
  /** The adapter's actions of the session handshake and the queue flush, in the order they ran. */
  const order: string[] = [];
  const emitted: SocketEmitted[] = [];
  let liveSocket: { awaitingPong: boolean } | null = null;

  const machine = socketMachine.provide({
    actors: {
      socket: fromCallback(({ receive }) => {
        const record = { commands: [] as SocketCommand[], stopped: false };
        const link = { awaitingPong: false };
        sockets.push(record);
        liveSocket = link;
        receive((command) => {
          record.commands.push(command);
          if (command.type === 'PING') link.awaitingPong = true;
        });
        return () => {
          record.stopped = true;
          if (liveSocket === link) liveSocket = null;
        };
      }),
    },
    actions: {
      flushQueue: () => {
        calls.flushQueue++;
        order.push('flushQueue');
      },
      endHandshake: () => void order.push('endHandshake'),
      deliverHeldFrame: () => void order.push('deliverHeldFrame'),
      ...(!machinesAcknowledge && { acknowledge: () => void order.push('acknowledge') }),
      discardQueue: () => void calls.discardQueue++,
      transmit: ({ event }) => void calls.transmit.push(event),
      refuseSend: ({ event }) => void calls.refused.push(event),
      letSocketGo: ({ event }) => void calls.letGo.push(event),
    },
  });

  const actor = createActor(machine, {
    clock,
    input: { ...options, silentFor: () => clock.now() - lastHeardAt, now: () => clock.now(), random, hostIsOffline, socketExists, ...(handshakeTimeout !== undefined && { handshakeTimeout }) },
  });
  for (const type of ['open', 'close', 'error', 'resume'] as const) actor.on(type, (event) => void emitted.push(event));
  actor.start();

  const api = {
    actor,
    clock,
    sockets,
    calls,
    order,
    emitted,
    get state(): SocketStateName {
      return stateNameOf(actor.getSnapshot());
    },
    get context() {
      return actor.getSnapshot().context;
    },
    /** Sockets started and not yet stopped (abandoned or ended). */
    get liveSockets(): number {
      return sockets.filter((s) => !s.stopped).length;
    },
    get closes() {
      return emitted.filter((e) => e.type === 'close');
    },
    advance(ms: number) {
      clock.increment(ms);
      // SimulatedClock does not fire a timer that the last timer it fired set for 0 ms (the
      // heartbeat's `pendingInput`) until the next increment: fire what is due now.
      while (hasDueTimer(clock)) clock.increment(0);
    },
    /** The server accepted the handshake. */
    open() {
      lastHeardAt = clock.now();
      actor.send({ type: 'SOCKET.OPEN' });
    },
    /** A message arrived: the real socket stamps the time, and tells the machine only if a pong was awaited. */
    hear() {
      lastHeardAt = clock.now();
      if (liveSocket?.awaitingPong) {
        liveSocket.awaitingPong = false;
        actor.send({ type: 'PEER.HEARD' });
      }
    },
    socketClosed(code = 1006, reason = '', wasClean = false) {
      actor.send({ type: 'SOCKET.CLOSE', code, reason, wasClean });
    },
    /** How many pings the sockets were told to send. */
    pings(): number {
      return sockets.flatMap((s) => s.commands).filter((c) => c.type === 'PING').length;
    },
  };
  return api;
}

function hasDueTimer(clock: SimulatedClock): boolean {
  const { timeouts } = clock as unknown as { timeouts: Map<number, { start: number; timeout: number }> };
  return [...timeouts.values()].some((timer) => clock.now() - timer.start >= timer.timeout);
}

export type MachineHarness = ReturnType<typeof startMachine>;
