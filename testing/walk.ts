/**
 * Replaying a connection path against an app: the app's own code makes its socket with the walk's
 * options, and each step of the path is caused for real — the server accepts, refuses, closes or
 * goes silent, a timer of the clock fires, the browser goes offline, the app calls `close()` — then
 * the socket must be in the path's state and the server must have seen what the path implies.
 */
import type { ActorRefLike, AnyActorRef, InspectionEvent } from 'xstate';
import { SESSION_FLAG } from '../adapters/controlFrames.js';
import { resumable } from '../adapters/resume/index.js';
import type { ResumeOption } from '../adapters/session.js';
import type { PolicyOptions } from '../machine/settings.js';
import { HANDSHAKE_TIMEOUT_CLOSE } from '../machine/closes.js';
import { LATE_TIMER_SLACK } from '../machine/socketMachine.js';
import { stateNameOf } from '../machine/stateName.js';
import type { SocketStateName } from '../machine/types.js';
import { NetworkHost } from './networkHost.js';
import { awaitsHello, delayNameOf, inHandshake, VARIANTS, type ConnectionPath, type PathEvent, type PathSnapshot, type PathStep } from './paths.js';
import { TestClock } from './testClock.js';
import { TestServer } from './testServer.js';
import { UrlDesk } from './urlDesk.js';
import { waitUntil } from './waitUntil.js';

/**
 * What the app's socket must be made with on a walk: pass `url` and `options` (spread with your
 * own, e.g. `WebSocket`) to the app's `new HeartSocket(...)` or `useHeartSocket(...)`.
 *
 * @example
 * ```ts
 * const start = ({ url, options }: PathConnection) => new HeartSocket(url, [], { ...options, WebSocket });
 * ```
 */
export interface PathConnection {
  /** The URL, as a function heartsocket calls before each attempt: the walk answers when the path says. */
  readonly url: () => Promise<string>;
  /**
   * The path's policy, the walk's clock, and the inspector the walk watches the socket through;
   * on the paths with `resume` (`path.resume`), `resume: resumable({ timeout })` too.
   */
  readonly options: PolicyOptions & {
    readonly clock: TestClock;
    readonly inspect: (event: InspectionEvent) => void;
    readonly resume?: ResumeOption;
  };
}

/**
 * What a walk drives the app with: the two calls a user makes on a connection. A `HeartSocket`
 * is one; so is a store or a component handle that passes them on.
 *
 * @example
 * ```ts
 * const app: WalkedApp = { close: () => store.disconnect(), reconnect: () => store.retryNow() };
 * ```
 */
export interface WalkedApp {
  /** Ends the connection for good (the path's `CLOSE` step). */
  close(): void;
  /** Connects again now (the path's `RECONNECT` steps; one of them passes a code and reason). */
  reconnect(code?: number, reason?: string): void;
}

/**
 * What a walk's checks see after a step: the step, the state the socket is in (already checked to
 * be the path's), and the world.
 *
 * @example
 * ```ts
 * const check = ({ state, app, server }: WalkView<ChatStore>) => {
 *   if (state === 'open') console.assert(server.received.filter((m) => m === 'subscribe').length === 1);
 * };
 * ```
 */
export interface WalkView<App> {
  /** The path walked. */
  readonly path: ConnectionPath;
  /** The step just taken (the first is the start). */
  readonly step: PathStep;
  /** Its index in `path.steps`. */
  readonly index: number;
  /** The socket's state after the step, as the path expects it. */
  readonly state: SocketStateName;
  /** The socket's actual snapshot (the same state value and retry count as `step.snapshot`). */
  readonly snapshot: PathSnapshot;
  /** What `start` returned. */
  readonly app: App;
  /** The server: what it received (`received`, `pingsReceived`, `accepted`, `connections`). */
  readonly server: TestServer;
  /** The socket's clock. */
  readonly clock: TestClock;
}

/**
 * How {@link walkPath} runs an app.
 *
 * @example
 * ```ts
 * const options: WalkOptions<HeartSocket> = {
 *   start: ({ url, options }) => new HeartSocket(url, [], { ...options, WebSocket }),
 *   atEachStep: ({ app, state }) => console.assert(app.state === state),
 * };
 * ```
 */
export interface WalkOptions<App extends WalkedApp> {
  /** Starts the app, which makes its socket from `connection`; returns the app's handle. */
  start(connection: PathConnection): App | Promise<App>;
  /** The user's assertions after each step (throw to fail). */
  atEachStep?(view: WalkView<App>): void | Promise<void>;
  /** The user's assertions after the last step (throw to fail). */
  atEnd?(view: WalkView<App>): void | Promise<void>;
  /** Ends the app; its socket must close. @default `app.close()` */
  stop?(app: App): void | Promise<void>;
}

/**
 * What each delay of the machine is set to on a path, from the machine's own resolved settings:
 * the clock tells the timers apart by their length. (The reconnect delay is a fixed number on
 * every path: no jitter.)
 */
function delaysOf({ settings, handshakeTimeout }: PathSnapshot['context']): Record<string, number> {
  const { heartbeat, reconnect, connectTimeout, closeTimeout } = settings;
  return {
    heartbeatInterval: heartbeat.interval,
    pongTimeout: heartbeat.timeout,
    pendingInput: 0,
    reconnectDelay: typeof reconnect.delay === 'number' ? reconnect.delay : NaN,
    minUptime: reconnect.minUptime,
    connectTimeout,
    closeTimeout,
    handshakeTimeout: handshakeTimeout ?? NaN,
  };
}

/**
 * What a server without sessions says first, on the paths where one ends the handshake
 * (`sessionlessServer`): the client opens as a plain connection and hands it to the app.
 */
const PLAIN_FIRST_FRAME = 'a plain server speaks first';

/** For what a failed walk leaves behind: its failure is what the test reports. */
function ignore(): void {}

/** The root actor of the inspected system: the socket's. */
const isRootEvent = (event: InspectionEvent) => event.actorRef.sessionId === event.rootId;

/** One walk of one path. */
class Walk<App extends WalkedApp> {
  readonly server: TestServer;
  readonly clock = new TestClock();
  readonly desk = new UrlDesk();
  readonly network = new NetworkHost();
  readonly variant;
  readonly delays;
  socketActor: ActorRefLike | undefined;
  app!: App;
  url = '';
  pingsSent = 0;
  /** Session handshakes the server answered: the client's next answer to `hello` is `resume` once there is one. */
  sessionsGiven = 0;
  /** `hello`s the server said: each is answered by the client with `start` or `resume`. */
  hellosSaid = 0;

  constructor(
    readonly path: ConnectionPath,
    readonly options: WalkOptions<App>,
  ) {
    this.variant = VARIANTS[path.variant];
    // A server that keeps sessions on the paths that have them, its handshake step by step.
    this.server = new TestServer({ upgrades: 'hold', pings: 'ignore', sessions: this.variant.serverKeepsSessions ? 'hold' : 'off' });
    this.delays = delaysOf(path.steps[0]!.snapshot.context);
  }

  async start(): Promise<void> {
    this.url = await this.server.start();
    this.network.install(this.variant.startsOffline ? 'offline' : 'online');
    const inspect = (event: InspectionEvent) => {
      // The latest socket the app made is the one walked (a remount or a new URL makes another).
      if (event.type === '@xstate.actor' && isRootEvent(event)) this.socketActor = event.actorRef;
    };
    const resume = this.path.resume && { resume: resumable(this.path.resume) };
    this.app = await this.options.start({ url: this.desk.url, options: { ...this.path.policy, clock: this.clock, inspect, ...resume } });
  }

  snapshot(): PathSnapshot | undefined {
    return this.socketActor?.getSnapshot() as PathSnapshot | undefined;
  }

  /** Connecting: the attempt really reaches the server, so the step acts on a socket in flight. */
  async attemptInFlight(): Promise<void> {
    await waitUntil(() => this.desk.waiting, 'the socket to ask for its URL');
    this.desk.answer(this.url);
    await waitUntil(() => this.server.waiting === 1, 'the upgrade request to reach the server');
  }

  async perform(event: PathEvent, before: PathSnapshot, to: SocketStateName): Promise<void> {
    const delay = delayNameOf(event);
    const from = stateNameOf(before);
    // In the handshake the socket is open already: there is no attempt to bring to the server.
    const handshake = inHandshake(before);
    if (from === 'connecting' && !handshake && event.type !== 'SOCKET.INVALID') await this.attemptInFlight();
    // The server stops reading: the close handshake waits for a step to complete it.
    if (to === 'closing' && from !== 'closing') this.server.silence();
    // The answer never came: the client closes with 4002, and the server, not reading, leaves the
    // close to a later step (the socket stays in the handshake until its close ends).
    if (delay === 'handshakeTimeout' && !awaitsHello(before)) this.server.silence();
    if (delay !== undefined) return this.timePasses(delay, to);
    switch (event.type) {
      case 'SOCKET.OPEN':
        return this.server.accept();
      case 'SESSION.HELLO':
        this.hellosSaid++;
        return this.server.hello();
      case 'SESSION.READY':
        if (awaitsHello(before)) return this.server.send(PLAIN_FIRST_FRAME);
        await this.server.answerHandshake();
        this.sessionsGiven++;
        return;
      case 'SOCKET.CLOSE':
        if (from === 'connecting' && !handshake) this.server.refuse();
        else if (from === 'closing') this.server.wake();
        else this.server.close(4001, 'server closed');
        return;
      case 'SOCKET.INVALID':
        await waitUntil(() => this.desk.waiting, 'the socket to ask for its URL');
        return this.desk.answer('ftp://127.0.0.1/');
      case 'PEER.HEARD':
        return this.server.ping();
      case 'CLOSE':
        return this.app.close();
      case 'RECONNECT':
        if (event.code === undefined) return this.app.reconnect();
        // The replaced socket closes with the code, in the background: let its handshake finish.
        this.app.reconnect(event.code, event.reason);
        this.server.wake();
        return this.server.whenNoConnections();
      case 'NETWORK.OFFLINE':
      case 'NETWORK.ONLINE':
        return this.network.go(event.type === 'NETWORK.OFFLINE' ? 'offline' : 'online');
      default:
        throw new Error(`heartsocket/testing: no way to cause ${event.type} for real`);
    }
  }

  async timePasses(delay: string, to: SocketStateName): Promise<void> {
    const timer = this.clock.timer(this.delays[delay]!);
    // The stalled host: the timer fires long after it was due.
    if (this.variant.lateTimers) this.clock.skip(timer.due - this.clock.now() + LATE_TIMER_SLACK + 1);
    if (delay === 'heartbeatInterval' && to === 'open') {
      // The chatty peer: something arrives just before the heartbeat timer fires.
      this.clock.skip(timer.due - this.clock.now());
      await this.server.ping();
    }
    this.clock.fire(timer);
  }

  /** The socket is in the path's state, and the server saw what the path implies. */
  async check(step: PathStep, index: number, where: string): Promise<WalkView<App>> {
    const expected = step.snapshot;
    const describe = () => {
      const actual = this.snapshot();
      return `${where}: state ${JSON.stringify(expected.value)} with ${expected.context.retries} retries; the socket is ${actual ? `in ${JSON.stringify(actual.value)} with ${actual.context.retries} retries` : 'not made (did the app pass the walk\'s options to it?)'}`;
    };
    await waitUntil(() => {
      const actual = this.snapshot();
      return actual !== undefined && JSON.stringify(actual.value) === JSON.stringify(expected.value) && actual.context.retries === expected.context.retries;
    }, describe);
    if (this.server.connections > 1) throw new Error(`${where}: the server has ${this.server.connections} live connections, at most one expected`);
    if ((step.state === 'open' || step.state === 'awaitingPong') && this.server.connections !== 1) {
      throw new Error(`${where}: ${step.state}, but the server has ${this.server.connections} connections`);
    }
    if (step.state === 'closed' || step.state === 'reconnectWait') {
      // A socket abandoned in closing was dropped while the server held its reads: let the server
      // read again, so it can see the end the client gave it.
      this.server.wake();
      await waitUntil(() => this.server.connections === 0, `${where}: the server to see the socket end`);
    }
    await waitUntil(() => this.server.pingsReceived === this.pingsSent, () => `${where}: ${this.pingsSent} pings at the server, saw ${this.server.pingsReceived}`);
    await this.checkHandshake(step, where);
    return { path: this.path, step, index, state: step.state, snapshot: this.snapshot()!, app: this.app, server: this.server, clock: this.clock };
  }

  /**
   * The session handshake as the server saw it: every request flagged on the paths with `resume`,
   * none on the others (an app without it sends what it always sent); after `hello`, the client's
   * answer is `start` while it has no session, `resume` with its id and count once it has one.
   */
  async checkHandshake(step: PathStep, where: string): Promise<void> {
    const flagged = this.server.requests.filter((request) => request.includes(SESSION_FLAG)).length;
    const expected = this.path.resume === undefined ? 0 : this.server.requests.length;
    if (flagged !== expected) throw new Error(`${where}: ${flagged} of the ${this.server.requests.length} upgrade requests carry ${SESSION_FLAG}, ${expected} expected`);
    if (step.event.type !== 'SESSION.HELLO') return;
    await waitUntil(() => this.server.handshakes.length === this.hellosSaid, `${where}: the client's answer to hello at the server`);
    const answer = this.server.handshakes.at(-1)!;
    const [name, version, id, count, ...more] = answer.slice(1).split(' ');
    const fresh = this.sessionsGiven === 0;
    const ok = fresh
      ? name === 'start' && version === '1' && id === undefined
      : name === 'resume' && version === '1' && /^[\w-]{22}$/.test(id ?? '') && /^\d+$/.test(count ?? '') && more.length === 0;
    if (!ok) throw new Error(`${where}: the answer to hello is ${JSON.stringify(answer)}, expected ${fresh ? 'start 1' : 'resume 1 <id> <received>'}`);
  }

  async run(): Promise<void> {
    const { steps } = this.path;
    let view = await this.check(steps[0]!, 0, `${this.path.name}, start`);
    await this.userCheck('atEachStep', view, 'start');
    for (let index = 1; index < steps.length; index++) {
      const step = steps[index]!;
      const from = steps[index - 1]!.state;
      const where = `${this.path.name}, step ${index} (${step.description})`;
      if (step.state === 'awaitingPong' && from !== 'awaitingPong') this.pingsSent++;
      await this.perform(step.event, steps[index - 1]!.snapshot, step.state);
      view = await this.check(step, index, where);
      await this.userCheck('atEachStep', view, `step ${index} (${step.description})`);
    }
    await this.userCheck('atEnd', view, 'the end');
    const last = steps.at(-1)!;
    if (steps.length > 1 && delayNameOf(last.event) === 'handshakeTimeout' && !awaitsHello(steps.at(-2)!.snapshot)) {
      // The answer's timeout closed the socket; the server, reading again, must see why.
      this.server.wake();
      await waitUntil(
        () => this.server.closes.some((close) => close.code === HANDSHAKE_TIMEOUT_CLOSE.code),
        () => `${this.path.name}: the server to see the socket closed with ${HANDSHAKE_TIMEOUT_CLOSE.code}, saw ${JSON.stringify(this.server.closes)}`,
      );
    }
  }

  /** The user's assertions; a failure says at which step of the walk (the test's name says which path). */
  async userCheck(check: 'atEachStep' | 'atEnd', view: WalkView<App>, where: string): Promise<void> {
    try {
      await this.options[check]?.(view);
    } catch (error) {
      if (error instanceof Error) error.message = `${error.message} (at ${where}, in ${view.state})`;
      throw error;
    }
  }

  /** Ends the walk; nothing may be left: the socket closed, no timer on the clock. */
  async finish(): Promise<void> {
    try {
      await (this.options.stop ? this.options.stop(this.app) : this.app?.close());
      await this.server.stop();
      if (this.socketActor !== undefined) {
        await waitUntil(() => stateNameOf(this.snapshot()!) === 'closed', () => `${this.path.name}: the socket to close after the walk, is ${stateNameOf(this.snapshot()!)}`);
      }
      const left = this.clock.pending.map((timer) => `${timer.ms} ms`);
      if (left.length > 0) throw new Error(`${this.path.name}: timers left behind after the socket closed: ${left.join(', ')}`);
    } finally {
      // A socket that outlived the walk (the walk fails for it) is stopped while the simulated
      // network signal it listens to is still installed: nothing of it runs after the test.
      if (this.socketActor !== undefined && stateNameOf(this.snapshot()!) !== 'closed') (this.socketActor as Partial<AnyActorRef>).stop?.();
      this.network.uninstall();
    }
  }
}

/**
 * Walks one connection path against an app: starts a {@link TestServer} (holding every upgrade
 * until the path says), a {@link TestClock} and a simulated online/offline signal; calls `start`,
 * whose app makes its socket with the walk's `url` and `options`; then causes each step for real and
 * checks the socket is in the path's state (and the retry count), at most one connection is live,
 * and the server received the pings the path sent; on the paths with `resume` (the walk passes
 * `resume: resumable({ timeout })` in `options`), also that every upgrade request carries the
 * session flag, that the client answers `hello` with `start` (or `resume` once it has a session),
 * and that the answer's timeout closes the socket with 4002. After each check `atEachStep` runs, after the
 * last `atEnd`; then `stop` (or the app's `close()`) must close the socket and leave no timer.
 * Rejects with an `Error` that names the path and the step. Works under any test runner.
 *
 * The walk drives the socket through a `ws` client's protocol ping (the peer speaking): the app's
 * socket must use `ws` as its `WebSocket`.
 *
 * @example
 * ```ts
 * import { HeartSocket } from 'heartsocket';
 * import { connectionPaths, walkPath } from 'heartsocket/testing';
 * import { WebSocket } from 'ws';
 * import { it } from 'vitest'; // or jest, or node:test
 *
 * for (const path of connectionPaths()) {
 *   it(path.name, () =>
 *     walkPath(path, {
 *       start: ({ url, options }) => new HeartSocket(url, [], { ...options, WebSocket }),
 *       atEachStep: ({ app, state }) => {
 *         if (app.state !== state) throw new Error(`${app.state} is not ${state}`);
 *       },
 *     }));
 * }
 * ```
 */
export async function walkPath<App extends WalkedApp>(path: ConnectionPath, options: WalkOptions<App>): Promise<void> {
  const walk = new Walk(path, options);
  try {
    await walk.start();
    await walk.run();
  } catch (error) {
    // The walk's failure is the news; a socket left open by it is only its consequence.
    await walk.finish().catch(ignore);
    throw error;
  }
  await walk.finish();
}
