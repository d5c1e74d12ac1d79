// Runs every benchmark, one process each, and writes their tables to bench/RESULTS.md.
// `npm run bench` builds first: the benchmarks measure the built bundle, dist/index.js.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { machine } from './lib.mjs';

const BENCHMARKS = ['messages.mjs', 'connections.mjs', 'deadPeer.mjs', 'storm.mjs', 'bundle.mjs', 'serverHalf.mjs', 'sessions.mjs', 'resume.mjs'];
const RESULTS = fileURLToPath(new URL('RESULTS.md', import.meta.url));

/** Runs one benchmark; its stdout (the tables) is shown as it comes and returned. */
function run(file) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${file} exited with code ${code}`))));
  });
}

const version = (name) =>
  `${name} ${JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version}`;
const started = Date.now();
const load = os.loadavg()[0];
const sections = [];
for (const file of BENCHMARKS) {
  process.stderr.write(`${file}\n`);
  sections.push((await run(file)).trim());
}
const minutes = ((Date.now() - started) / 60_000).toFixed(1);

writeFileSync(
  RESULTS,
  [
    '# Benchmarks',
    `Measured by \`npm run bench\` on ${new Date(started).toISOString().slice(0, 10)}, in one run of ${minutes} min, on ` +
      `${machine()}; load average ${load.toFixed(1)} when it started (the machine was shared). ` +
      `${['ws', 'reconnecting-websocket', 'partysocket', 'xstate'].map(version).join(', ')}. ` +
      'Everything on 127.0.0.1; servers in their own processes. Ratios are measured side by side in this run, ' +
      'never asserted by the test suite.',
    ...sections,
  ].join('\n\n') + '\n',
);
process.stderr.write(`wrote ${RESULTS} (${minutes} min)\n`);
