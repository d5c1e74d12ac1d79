/** The README's "generate tests from the machine" example, kept honest: it must run as printed. */
import { expect, it } from 'vitest';
import { getShortestPaths } from 'xstate/graph';
import { socketMachine, type SocketMachineEvent } from '../../machine/index.js';

// --- README example start ---
// Your extension of the machine: provide your own actions, guards or delays here.
const myMachine = socketMachine.provide({});

const paths = getShortestPaths(myMachine, {
  input: { reconnect: { maxRetries: 1 }, silentFor: () => Infinity, now: () => 0, random: () => 0.5 },
  events: (snapshot): SocketMachineEvent[] => [
    { type: 'SOCKET.OPEN' },
    { type: 'SOCKET.CLOSE', code: 1006, reason: '', wasClean: false },
    { type: 'PEER.HEARD' },
    { type: 'CLOSE' },
    { type: 'RECONNECT' },
    // Delayed transitions are events too: `xstate.after.<delay>.<state id>`.
    ...snapshot._nodes.flatMap((node) => node.after.map((t) => ({ type: t.eventType }) as never)),
  ],
  // Keep the graph finite: the retry count is bounded by maxRetries.
  serializeState: (snapshot) => JSON.stringify([snapshot.value, snapshot.context.retries]),
});

for (const path of paths) {
  const steps = path.steps.map((step) => step.event.type).join(' → ');
  // Replay `path.steps` against your app here, asserting `path.state.value` at the end.
  void steps;
}
// --- README example end ---

it('reaches every one of the six states', () => {
  const values = new Set(paths.map((path) => JSON.stringify(path.state.value)));
  for (const name of ['connecting', 'open', 'awaitingPong', 'closing', 'reconnectWait', 'closed']) {
    expect([...values].some((value) => value.includes(`"${name}"`)), name).toBe(true);
  }
});
