import fc from 'fast-check';
import { it } from 'vitest';
import { runSequence, sequenceArbitrary } from './campaign.js';

/** 200 sequences in `npm test`; `npm run test:soak` runs 1000 with a fresh seed. */
const runs = Number(process.env.FAULT_RUNS ?? 200);
const seed = Number(process.env.FAULT_SEED ?? 20261125);

it(`keeps its invariants through ${runs} random fault sequences (seed ${seed})`, async () => {
  // On failure fast-check prints the seed, the path and the shrunk sequence: pass them as
  // FAULT_SEED (and fast-check's `path`) to replay, or paste the sequence into a fixed test.
  await fc.assert(fc.asyncProperty(sequenceArbitrary, runSequence), { numRuns: runs, seed, verbose: 1 });
}, Math.max(60_000, runs * 1_500));
