// Imports a TypeScript module of this repository from plain Node: the repository has no
// TypeScript runtime, so esbuild (the one tsup uses) compiles it to node_modules/.cache first.
// Packages stay external and resolve from node_modules as usual.
import { build } from 'esbuild';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * @param {string} root the repository root
 * @param {string} entry the module, relative to the root (e.g. 'visualizations/cli.ts')
 * @returns {Promise<Record<string, any>>} its exports
 */
export async function importTypeScript(root, entry) {
  const outfile = join(root, 'node_modules', '.cache', 'heartsocket-ts', basename(entry).replace(/\.ts$/, '.mjs'));
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
