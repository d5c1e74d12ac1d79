#!/usr/bin/env node
// Runs visualizations/cli.ts: `node visualizations/viz.mjs [generate | serve [--port N]]`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTypeScript } from '../scripts/import-ts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { main } = await importTypeScript(root, 'visualizations/cli.ts');
try {
  await main(process.argv.slice(2), root);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
