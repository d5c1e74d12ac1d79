#!/usr/bin/env node
// Runs visualizations/cli.ts: `node visualizations/viz.mjs [generate | serve [--port N]]`.
// The repository has no TypeScript runtime, so esbuild (the one tsup uses) compiles the CLI to
// node_modules/.cache first; packages stay external and resolve from node_modules as usual.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'node_modules', '.cache', 'heartsocket-viz', 'cli.mjs');

await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'visualizations', 'cli.ts')],
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  logLevel: 'warning',
});

const { main } = await import(pathToFileURL(outfile).href);
try {
  await main(process.argv.slice(2), root);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
