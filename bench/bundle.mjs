// 5. Bundle size: what each library adds to a browser bundle, minified and gzipped. Each entry
// imports the one class a user would (tree-shaking the rest), bundled by esbuild for the browser.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fixed, report, table } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const ENTRIES = [
  ['heartsocket `HeartSocket`, xstate bundled', "export { HeartSocket } from './dist/index.js';", []],
  ['heartsocket `HeartSocket`, xstate external', "export { HeartSocket } from './dist/index.js';", ['xstate']],
  // What `resume` adds for an app that uses it: the two imports, minus the row above.
  ['heartsocket `HeartSocket` + heartsocket/resume `resumable`, xstate external', "export { HeartSocket } from './dist/index.js'; export { resumable } from './dist/resume.js';", ['xstate']],
  ['heartsocket, whole entry, xstate bundled', "export * from './dist/index.js';", []],
  ['reconnecting-websocket', "export { default } from 'reconnecting-websocket';", []],
  ['partysocket `PartySocket`', "export { default } from 'partysocket';", []],
  ['partysocket `WebSocket` (partysocket/ws)', "export { default } from 'partysocket/ws';", []],
];

async function size(contents, external) {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

const sizes = [];
for (const [label, contents, external] of ENTRIES) sizes.push([label, await size(contents, external)]);
const base = sizes.find(([label]) => label === 'reconnecting-websocket')[1].gzipped;
const kib = (bytes) => fixed(bytes / 1024, 1);
report(
  '5. Bundle size',
  'Bundled by esbuild (`format: esm`, `platform: browser`, `target: es2022`, minified), gzipped by ' +
    'node:zlib at level 9; heartsocket from its build (`dist/index.js`). Deterministic: measured once.',
  table(
    ['bundle', 'minified KiB', 'min + gzip KiB', 'min + gzip bytes', 'gzip ÷ reconnecting-websocket'],
    sizes.map(([label, s]) => [label, kib(s.minified), kib(s.gzipped), s.gzipped.toLocaleString('en'), `${fixed(s.gzipped / base, 1)}×`]),
  ),
);
