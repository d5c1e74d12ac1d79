// Builds dist/ with tsup when it is missing or older than its sources, so that the demo and the
// tests that use the built package (demo, browser, pack) work on a fresh clone. One build at a
// time: test files run in parallel processes, and tsup empties dist/ before it writes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// heartsocket/live-view is built from visualizations/inspector/ (createLiveViewInspector),
// heartsocket/testing from testing/.
const SOURCES = [
  'adapters',
  'machine',
  'testing',
  'visualizations/inspector',
  'tsup.config.ts',
  'package.json',
  'tsconfig.json',
];
const OUTPUTS = ['index', 'machine', 'server', 'react', 'resume', 'live-view', 'testing'].flatMap((entry) => ['.js', '.cjs', '.d.ts', '.d.cts'].map((ext) => entry + ext));
const LOCK = join(root, 'node_modules', '.cache', 'heartsocket-build.lock');
const STALE_LOCK_MS = 120_000;

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why dist/ needs a build, or null when it is up to date. */
export function whyRebuild() {
  let oldestOutput = Infinity;
  for (const file of OUTPUTS) {
    try {
      oldestOutput = Math.min(oldestOutput, statSync(join(root, 'dist', file)).mtimeMs);
    } catch {
      return `dist/${file} is missing`;
    }
  }
  const newestSource = Math.max(...SOURCES.map((source) => newestMtime(join(root, source))));
  return newestSource > oldestOutput ? 'dist/ is older than the sources' : null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquireLock() {
  mkdirSync(dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      await sleep(200);
    }
  }
}

/**
 * Builds dist/ if needed (about 5–10 s). Resolves once dist/ is current.
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function ensureBuilt({ log = () => {} } = {}) {
  if (whyRebuild() === null) return;
  await acquireLock();
  try {
    const reason = whyRebuild(); // another process may have built it while we waited
    if (reason === null) return;
    log(`${reason}: building it (tsup)…`);
    execFileSync(process.execPath, [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js'), '--silent'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
