import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { it } from 'vitest';
import { runSequence, sequenceArbitrary } from './campaign.js';

/**
 * 200 sequences in `npm test`, always the same; `npm run test:soak` runs 1000 with a fresh seed
 * (FAULT_SEED=random, drawn here and printed), or replays one with FAULT_SEED=<seed>.
 */
const runs = Number(process.env.FAULT_RUNS ?? 200);
const seed = process.env.FAULT_SEED === 'random' ? randomInt(2 ** 31) : Number(process.env.FAULT_SEED ?? 20261125);
if (!Number.isSafeInteger(seed)) throw new Error(`FAULT_SEED must be an integer or "random", not ${process.env.FAULT_SEED}`);
if (process.env.FAULT_SEED === 'random') console.log(`FAULT_SEED=${seed} (FAULT_SEED=${seed} npm run test:soak replays this run)`);

it(`keeps its invariants through ${runs} random fault sequences (seed ${seed})`, async () => {
  // On failure fast-check prints the seed, the path and the shrunk sequence: pass them as
  // FAULT_SEED (and fast-check's `path`) to replay, or paste the sequence into a fixed test.
  await fc.assert(fc.asyncProperty(sequenceArbitrary, runSequence), { numRuns: runs, seed, verbose: 1 });
}, Math.max(60_000, runs * 1_500));
