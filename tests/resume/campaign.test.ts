import { randomInt } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { resumable } from '../../adapters/resume/index.js';
import { cleanup, IMPLEMENTATIONS } from '../support/client.js';
import { waitFor } from '../support/wait.js';
import {
  applyFault,
  CAMPAIGN_CLIENT_OPTIONS,
  judgeStream,
  LINK_FAULTS,
  seededRandom,
  startWorld,
  stopWorld,
  stream,
  type LinkFault,
  type World,
} from './streams.js';

/**
 * The resume campaign: both sides stream numbered messages while the link is cut, at random
 * moments, in every way `LINK_FAULTS` has. `npm test` runs one fixed seed; RESUME_SEED=random
 * draws one (printed), RESUME_SEED=<n> replays it, RESUME_FAULTS sets the faults per run.
 */
const faultsPerRun = Number(process.env.RESUME_FAULTS ?? 12);
const seed = process.env.RESUME_SEED === 'random' ? randomInt(2 ** 31) : Number(process.env.RESUME_SEED ?? 20261207);
if (!Number.isSafeInteger(seed)) throw new Error(`RESUME_SEED must be an integer or "random", not ${process.env.RESUME_SEED}`);

afterEach(cleanup);

/** Streams, breaks the link, waits for the client to be open again; `faultsPerRun` times. */
async function runFaults(world: World, random: () => number): Promise<LinkFault[]> {
  const applied: LinkFault[] = [];
  for (let i = 0; i < faultsPerRun; i++) {
    await stream(world, 20 + Math.floor(random() * 80));
    const fault = LINK_FAULTS[Math.floor(random() * LINK_FAULTS.length)]!;
    const opens = world.client.opens;
    applyFault(world, fault);
    applied.push(fault);
    // Keep streaming while the link is down: what is written into a dead link is what gets lost.
    await stream(world, 10 + Math.floor(random() * 40));
    await waitFor(() => world.client.opens > opens, `the client open again after ${fault} (seed ${seed})`, 5000);
  }
  await stream(world, 30);
  return applied;
}

it.each(IMPLEMENTATIONS)(`with resume (%s), every message of a stream across ${faultsPerRun} broken links arrives exactly once, in order (seed ${seed})`, async (_name, WebSocket) => {
  const world = await startWorld({ ...CAMPAIGN_CLIENT_OPTIONS, WebSocket, resume: resumable() }, {});
  try {
    const resumes: string[] = [];
    world.client.socket.addEventListener('resume', (event) => resumes.push(event.resumed ? 'resumed' : `not (${event.reason})`));
    await waitFor(() => world.client.socket.state === 'open', 'the first open');
    const faults = await runFaults(world, seededRandom(seed));
    const { client, server } = world;
    await waitFor(
      () => server.received.length === client.sent && client.received.length === server.sent,
      () =>
        `every message each way: server got ${server.received.length} of ${client.sent}, ` +
        `client got ${client.received.length} of ${server.sent}, client ${client.socket.state}`,
    );
    console.log(`resume on (${_name}), seed ${seed}, faults ${faults.join(' ')}: resumes ${resumes.join(', ')}`);
    expect(server.received).toEqual(Array.from({ length: client.sent }, (_, i) => i + 1));
    expect(client.received).toEqual(Array.from({ length: server.sent }, (_, i) => i + 1));
    // The first session began, and every fault was survived by a resume, not by a new session.
    expect(resumes).toEqual(['not (null)', ...faults.map(() => 'resumed')]);
    expect({ undelivered: client.undelivered, sessionEnds: server.sessionEnds }).toEqual({ undelivered: [], sessionEnds: [] });
  } finally {
    await stopWorld(world);
  }
}, 60_000);

it(`without resume, a stream across ${faultsPerRun} broken links loses messages, never reorders them (seed ${seed})`, async () => {
  const world = await startWorld(CAMPAIGN_CLIENT_OPTIONS);
  try {
    await waitFor(() => world.client.socket.state === 'open', 'the first open');
    const faults = await runFaults(world, seededRandom(seed));
    // Quiet: what is still in flight on the live link arrives (loopback: well within this).
    const { client, server } = world;
    await waitFor(
      () => server.received.at(-1) === client.sent && client.received.at(-1) === server.sent,
      () =>
        `the last message each way to arrive on the live link: server got ${server.received.at(-1)} of ${client.sent}, ` +
        `client got ${client.received.at(-1)} of ${server.sent}, client ${client.socket.state}`,
    );
    const up = judgeStream(server.received, client.sent);
    const down = judgeStream(client.received, server.sent);
    console.log(
      `resume off, seed ${seed}, faults ${faults.join(' ')}: lost client→server ${up.lost}/${client.sent}, ` +
        `server→client ${down.lost}/${server.sent}`,
    );
    expect({ up: up.disorder, down: down.disorder }).toEqual({ up: [], down: [] });
    // The campaign sees loss: it is what resuming has to recover (and the run with resume on,
    // on the same faults, must show none).
    expect(up.lost + down.lost).toBeGreaterThan(0);
  } finally {
    await stopWorld(world);
  }
}, 60_000);
