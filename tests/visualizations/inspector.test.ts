// The Stately inspector's `createInspector` fed by HeartSocket's `inspect` option, through a
// real connect → heartbeat → server drop → reconnect cycle against a real `ws` server.
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { stateNameOf } from '../../machine/stateName.js';
import { TestServer } from '../support/server.js';
import { waitFor } from '../support/wait.js';
import { dedupe } from '../support/dedupe.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Snapshot = Extract<StatelyInspectionEvent, { type: '@xstate.snapshot' }>;
type EventEvent = Extract<StatelyInspectionEvent, { type: '@xstate.event' }>;
type ActorEvent = Extract<StatelyInspectionEvent, { type: '@xstate.actor' }>;

/** A machine snapshot, as the inspector serialized it. */
const machineSnapshot = (event: Snapshot) => event.snapshot as unknown as { value: never; context: Record<string, unknown> };

describe('the Stately inspector (createInspector from @statelyai/inspect)', () => {
  it('sees connect → heartbeat → server drop → reconnect as actor, event and snapshot events', async () => {
    const server = await TestServer.start({ pingReply: 'pong' });
    cleanups.push(() => server.stop());

    // Our own adapter: the inspector hands it every converted event.
    const received: StatelyInspectionEvent[] = [];
    const inspector = createInspector({ send: (event) => void received.push(event) });
    cleanups.push(() => inspector.stop());

    const socket = new HeartSocket(server.url, [], {
      WebSocket,
      heartbeat: { interval: 40, timeout: 1000, isPong: (data) => String(data) === 'pong' },
      reconnect: { delay: 30, minUptime: 60_000 },
      inspect: inspector.inspect,
    });
    cleanups.push(() => socket.close());

    // The root actor's flat state names, from its snapshots, as the inspector reports them.
    const rootActor = (): ActorEvent | undefined =>
      received.find((e): e is ActorEvent => e.type === '@xstate.actor' && e.name === 'heartsocket');
    const states = (): string[] => {
      const root = rootActor();
      if (root === undefined) return [];
      return dedupe(
        received
          .filter((e): e is Snapshot => e.type === '@xstate.snapshot' && e.sessionId === root.sessionId)
          .map((e) => stateNameOf(machineSnapshot(e))),
      );
    };
    const heartbeat = /^connecting,open,awaitingPong,open/;
    await waitFor(() => heartbeat.test(states().join()), 'a heartbeat (open → awaitingPong → open)', 5000);

    server.terminateAll();
    const cycle = /^connecting,open,(awaitingPong,open,)+(awaitingPong,)?reconnectWait,connecting,open/;
    await waitFor(() => cycle.test(states().join()), 'reconnectWait → connecting → open after the drop', 5000);
    expect(server.connections).toBe(2);

    // Actors: the machine (with its definition, for the inspector to draw) and its socket.
    const root = rootActor()!;
    expect(root.rootId).toBe(root.sessionId);
    expect(JSON.parse(root.definition!)).toMatchObject({ id: 'heartsocket', initial: 'start' });
    const socketActors = received.filter((e): e is ActorEvent => e.type === '@xstate.actor' && e.name === 'socket');
    expect(socketActors).toHaveLength(2); // one per connection: the `live` state invokes it anew
    for (const actor of socketActors) expect(actor.parentId).toBe(root.sessionId);

    // Events to the machine, from its socket actor and its timers.
    const events = received.filter((e): e is EventEvent => e.type === '@xstate.event');
    const toRoot = events.filter((e) => e.sessionId === root.sessionId).map((e) => e.event.type);
    expect(toRoot.filter((type) => type === 'SOCKET.OPEN')).toHaveLength(2);
    expect(toRoot).toContain('PEER.HEARD');
    expect(toRoot).toContain('xstate.after.heartbeatInterval.heartsocket.running.live.connected.open');
    expect(toRoot).toContain('xstate.after.reconnectDelay.heartsocket.running.reconnectWait.backoff');
    const close = events.find((e) => e.sessionId === root.sessionId && e.event.type === 'SOCKET.CLOSE')!;
    expect(close.event).toMatchObject({ code: 1006, wasClean: false });
    expect(close.sourceId).toBe(socketActors[0]!.sessionId);
    // …and the machine's command to its socket: the heartbeat's PING.
    const ping = events.find((e) => e.event.type === 'PING')!;
    expect(ping.sessionId).toBe(socketActors[0]!.sessionId);
    expect(ping.sourceId).toBe(root.sessionId);

    // Snapshots carry the context: the retry the drop caused.
    const waiting = received.find(
      (e): e is Snapshot =>
        e.type === '@xstate.snapshot' && e.sessionId === root.sessionId && stateNameOf(machineSnapshot(e)) === 'reconnectWait',
    )!;
    expect(machineSnapshot(waiting).value).toEqual({ running: { reconnectWait: 'backoff' } });
    expect(machineSnapshot(waiting).context).toMatchObject({ retries: 1, retryDelay: 30, lastClose: { code: 1006 } });
    expect(waiting.event.type).toBe('SOCKET.CLOSE');

    // All of it is plain data, in order.
    expect(() => JSON.stringify(received)).not.toThrow();
    const times = received.map((e) => Number(e.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
