/**
 * Model-based tests: every path generated from `socketMachine` is run against a real
 * `HeartSocket` and a real `ws` server on 127.0.0.1. At every step the adapter must be in the
 * model's state, with the model's retry count, and the server must have seen what the model
 * implies: one live connection at most, the pings sent, the messages delivered.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { LATE_TIMER_SLACK } from '../../machine/socketMachine.js';
import { stateNameOf } from '../../machine/stateName.js';
import type { SocketStateName } from '../../machine/types.js';
import {
  allTransitions,
  coveredTransitions,
  delayNameOf,
  EVENTS_OUTSIDE_THE_MODEL,
  TRANSITIONS_OUTSIDE_THE_MODEL,
  eventKey,
  generatePaths,
  VARIANTS,
  type ModelEvent,
  type ModelPath,
  type ModelSnapshot,
} from './socketModel.js';
import { EXPECTED_READY_STATE } from '../support/readyState.js';
import { waitFor } from '../support/wait.js';
import { HoldingServer, NetworkHost, StepClock, UrlDesk } from './world.js';

const paths = generatePaths();

const SIX: readonly SocketStateName[] = ['connecting', 'open', 'awaitingPong', 'closing', 'closed', 'reconnectWait'];

/** The six states' tags a snapshot carries: exactly one, in every snapshot. */
const sixTagsOf = (snapshot: { hasTag(tag: SocketStateName): boolean }) => SIX.filter((name) => snapshot.hasTag(name));

describe('the generated suite covers the machine', () => {
  it('takes every transition the machine defines, but those outside the model', () => {
    const missing = [...allTransitions()].filter(
      (key) =>
        !coveredTransitions(paths).has(key) &&
        !EVENTS_OUTSIDE_THE_MODEL.some((type) => key.includes(`| ${type} |`)) &&
        !(TRANSITIONS_OUTSIDE_THE_MODEL as readonly string[]).includes(key),
    );
    expect(missing).toEqual([]);
  });

  it('visits no snapshot without exactly one of the six tags', () => {
    const untagged = paths.flatMap((path) =>
      path.steps.filter((step) => sixTagsOf(step.state).length !== 1).map((step) => JSON.stringify(step.state.value)),
    );
    expect(untagged).toEqual([]);
  });

  it('reaches each of the six states', () => {
    const reached = new Set(paths.flatMap((path) => path.steps.map((step) => stateNameOf(step.state))));
    expect([...reached].sort()).toEqual(['awaitingPong', 'closed', 'closing', 'connecting', 'open', 'reconnectWait']);
  });
});

/** The TCP socket under a server-side `ws` connection, to hold or release its reads. */
const serverSocketOf = (connection: WebSocket) =>
  (connection as unknown as { _socket: { pause(): void; resume(): void } })._socket;

function describePath(path: ModelPath): string {
  return path.steps
    .slice(1)
    .map((step) => (delayNameOf(step.event) ? `after ${delayNameOf(step.event)}` : eventKey(step.event)))
    .join(' → ');
}

/** One path, run for real. */
class PathRun {
  readonly server = new HoldingServer();
  readonly clock = new StepClock();
  readonly desk = new UrlDesk();
  readonly network = new NetworkHost();
  readonly received: string[] = [];
  readonly policy;
  readonly variant;
  socket!: HeartSocket;
  url = '';
  pingsSent = 0;

  constructor(readonly path: ModelPath) {
    this.variant = VARIANTS[path.variant as keyof typeof VARIANTS];
    this.policy = this.variant.policy;
  }

  async start(): Promise<void> {
    this.url = await this.server.start();
    this.network.install(this.variant.startsOffline ? 'offline' : 'online');
    this.socket = new HeartSocket(this.desk.url, undefined, { WebSocket, clock: this.clock, ...this.policy });
    this.socket.onmessage = (event) => void this.received.push(String(event.data));
  }

  get delays(): Record<string, number> {
    const { heartbeat, reconnect, connectTimeout, closeTimeout } = this.policy;
    return {
      heartbeatInterval: heartbeat === false ? 3000 : heartbeat.interval,
      pongTimeout: heartbeat === false ? 0 : heartbeat.timeout,
      pendingInput: 0,
      reconnectDelay: reconnect.delay,
      minUptime: reconnect.minUptime,
      connectTimeout,
      closeTimeout,
    };
  }

  /** Connecting: let the attempt really reach the server, so the step acts on a socket in flight. */
  async attemptInFlight(): Promise<void> {
    await waitFor(() => this.desk.waiting, () => 'the url request');
    this.desk.answer(this.url);
    await waitFor(() => this.server.held.length === 1, () => 'the upgrade request');
  }

  /** The server stops reading: the closing handshake will wait for a step to complete it. */
  holdServerReads(): void {
    serverSocketOf(this.server.connection).pause();
  }

  async peerSpeaks(text: string): Promise<void> {
    const before = this.received.length;
    this.server.connection.send(text);
    await waitFor(() => this.received.length > before, () => `the client to receive "${text}"`);
  }

  async perform(event: ModelEvent, from: SocketStateName, to: SocketStateName): Promise<void> {
    const delay = delayNameOf(event);
    if (from === 'connecting' && event.type !== 'SOCKET.INVALID') await this.attemptInFlight();
    if (to === 'closing' && from !== 'closing') this.holdServerReads();
    if (delay !== undefined) return this.timePasses(delay, to);
    switch (event.type) {
      case 'SOCKET.OPEN':
        await this.server.accept();
        return;
      case 'SOCKET.CLOSE':
        if (from === 'connecting') this.server.refuse();
        else if (from === 'closing') serverSocketOf(this.server.connection).resume();
        else this.server.connection.close(4001, 'server closed');
        return;
      case 'SOCKET.INVALID':
        await waitFor(() => this.desk.waiting, () => 'the url request');
        this.desk.answer('ftp://127.0.0.1/');
        return;
      case 'PEER.HEARD':
        return this.peerSpeaks('hello');
      case 'CLOSE':
        return this.socket.close();
      case 'RECONNECT':
        if (event.code === undefined) return this.socket.reconnect();
        // The replaced socket closes with the code, in the background: let its handshake finish.
        this.socket.reconnect(event.code, event.reason);
        for (const connection of this.server.connections) serverSocketOf(connection).resume();
        return waitFor(() => this.server.connections.size === 0, () => 'the let-go socket to finish its handshake');
      case 'NETWORK.OFFLINE':
        return this.network.go('offline');
      case 'NETWORK.ONLINE':
        return this.network.go('online');
      default:
        throw new Error(`no way to cause ${event.type} for real`);
    }
  }

  async timePasses(delay: string, to: SocketStateName): Promise<void> {
    const timer = this.clock.pending(this.delays[delay]!);
    // The stalled host: the timer fires long after it was due.
    if (this.variant.lateTimers) this.clock.advanceBy(timer.due - this.clock.now() + LATE_TIMER_SLACK + 1);
    if (delay === 'heartbeatInterval' && to === 'open') {
      // The chatty peer: something arrives just before the heartbeat timer fires.
      this.clock.advanceTo(timer);
      await this.peerSpeaks('chatter');
    }
    this.clock.fire(timer);
  }

  /** The adapter agrees with the model, and the server saw what the model implies. */
  async check(expected: ModelSnapshot, where: string): Promise<void> {
    const actual = () => this.socket.actor.getSnapshot();
    await waitFor(
      () => JSON.stringify(actual().value) === JSON.stringify(expected.value),
      () => `${where}: state ${JSON.stringify(expected.value)}, adapter is in ${JSON.stringify(actual().value)}`,
    );
    const name = stateNameOf(expected);
    expect(sixTagsOf(actual()), where).toEqual([name]);
    expect(this.socket.state, where).toBe(name);
    expect(this.socket.readyState, where).toBe(EXPECTED_READY_STATE[name]);
    expect(actual().context.retries, where).toBe(expected.context.retries);
    expect(actual().hasTag('forGood'), where).toBe(expected.hasTag('forGood'));

    expect(this.server.connections.size, `${where}: live connections`).toBeLessThanOrEqual(1);
    if (name === 'open' || name === 'awaitingPong') expect(this.server.connections.size, where).toBe(1);
    if (name === 'closed' || name === 'reconnectWait') {
      // A socket abandoned in closing was dropped while the server held its reads: let the server
      // read again, so it can see the end the client gave it.
      for (const connection of this.server.connections) serverSocketOf(connection).resume();
      await waitFor(() => this.server.connections.size === 0, () => `${where}: the server to see the socket end`);
    }
    await waitFor(() => this.server.pings === this.pingsSent, () => `${where}: ${this.pingsSent} pings at the server, saw ${this.server.pings}`);
  }

  async run(): Promise<void> {
    const [initial, ...steps] = this.path.steps;
    await this.check(initial!.state, 'start');
    let previous = initial!.state;
    for (const [index, step] of steps.entries()) {
      const where = `step ${index + 1} (${step.event.type})`;
      const from = stateNameOf(previous);
      const to = stateNameOf(step.state);
      if (to === 'awaitingPong' && from !== 'awaitingPong') this.pingsSent++;
      await this.perform(step.event, from, to);
      await this.check(step.state, where);
      previous = step.state;
    }
  }

  /** Ends the run; nothing may be left: no timer on the clock, no connection at the server. */
  async finish(): Promise<void> {
    this.socket.close();
    await this.server.stop();
    await waitFor(() => this.socket.state === 'closed', () => `closed after the run, is ${this.socket.state}`);
    this.network.uninstall();
    expect([...this.clock.timers.values()].map((timer) => timer.ms), 'timers left behind').toEqual([]);
  }
}

describe.each(Object.keys(VARIANTS))('model paths, %s', (variant) => {
  const ofVariant = paths.filter((path) => path.variant === variant);
  it.each(ofVariant.map((path) => [describePath(path) || '(start)', path] as const))('%s', async (_name, path) => {
    const run = new PathRun(path);
    await run.start();
    try {
      await run.run();
    } finally {
      await run.finish();
    }
  });
});

afterAll(() => {
  // The generated suite can only shrink if the machine does: report its size with the run.
  console.info(`model-based suite: ${paths.length} paths, ${paths.reduce((n, p) => n + p.steps.length - 1, 0)} steps`);
});
