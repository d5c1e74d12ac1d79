/**
 * Model-based tests: every path generated from `socketMachine` (`connectionPaths` of the public
 * `heartsocket/testing`) is walked (`walkPath`) against a real `HeartSocket` and a real `ws`
 * server on 127.0.0.1. At every step the adapter must be in the
 * model's state, with the model's retry count, and the server must have seen what the model
 * implies: one live connection at most, the pings sent, the messages delivered.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { stateNameOf } from '../../machine/stateName.js';
import type { SocketStateName } from '../../machine/types.js';
import { connectionPaths, walkPath, type PathVariant, type WalkView } from '../../testing/index.js';
import { allTransitions, coveredTransitions, EVENTS_OUTSIDE_THE_MODEL, TRANSITIONS_OUTSIDE_THE_MODEL } from './socketModel.js';
import { EXPECTED_READY_STATE } from '../support/readyState.js';

const paths = connectionPaths();

/** The ways the world is walked, as the paths have them. */
const VARIANTS: PathVariant[] = [...new Set(paths.map((path) => path.variant))];

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
      path.steps.filter((step) => sixTagsOf(step.snapshot).length !== 1).map((step) => JSON.stringify(step.snapshot.value)),
    );
    expect(untagged).toEqual([]);
  });

  it('reaches each of the six states', () => {
    const reached = new Set(paths.flatMap((path) => path.steps.map((step) => stateNameOf(step.snapshot))));
    expect([...reached].sort()).toEqual(['awaitingPong', 'closed', 'closing', 'connecting', 'open', 'reconnectWait']);
  });
});

/**
 * What heartsocket checks beyond the walk's own checks (the machine's state value and retry count,
 * at most one live connection, the pings at the server, nothing left behind): the adapter's public
 * faces agree with the model at every step.
 */
function checkAdapter({ app: socket, step, index, snapshot, server }: WalkView<HeartSocket>): void {
  const where = `step ${index} (${step.event.type})`;
  const name = stateNameOf(step.snapshot);
  expect(JSON.stringify(snapshot.value), where).toBe(JSON.stringify(step.snapshot.value));
  expect(sixTagsOf(socket.actor.getSnapshot()), where).toEqual([name]);
  expect(socket.state, where).toBe(name);
  expect(socket.readyState, where).toBe(EXPECTED_READY_STATE[name]);
  expect(socket.actor.getSnapshot().context.retries, where).toBe(step.snapshot.context.retries);
  expect(socket.actor.getSnapshot().hasTag('forGood'), where).toBe(step.snapshot.hasTag('forGood'));
  expect(server.connections, `${where}: live connections`).toBeLessThanOrEqual(1);
  if (name === 'open' || name === 'awaitingPong') expect(server.connections, where).toBe(1);
  if (name === 'closed' || name === 'reconnectWait') expect(server.connections, `${where}: the server saw the socket end`).toBe(0);
}

describe.each(VARIANTS)('model paths, %s', (variant) => {
  const ofVariant = paths.filter((path) => path.variant === variant);
  it.each(ofVariant.map((path) => [path.name, path] as const))('%s', (_name, path) =>
    walkPath(path, {
      start: ({ url, options }) => new HeartSocket(url, undefined, { WebSocket, ...options }),
      atEachStep: checkAdapter,
    }),
  );
});

afterAll(() => {
  // The generated suite can only shrink if the machine does: report its size with the run.
  console.info(`model-based suite: ${paths.length} paths, ${paths.reduce((n, p) => n + p.steps.length - 1, 0)} steps`);
});
