import { build } from 'esbuild';
const root = process.argv[2];
const r = await build({ entryPoints: [root + '/adapters/index.ts'], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', external: ['xstate'], write: false, metafile: true, logLevel: 'silent' , tsconfig: root + '/tsconfig.json'});
const out = Object.values(r.metafile.outputs)[0];
for (const [k, v] of Object.entries(out.inputs).sort()) console.log(k.replace(/.*(adapters|machine)\//, '$1/'), v.bytesInOutput);
if (process.argv[3]) { const { writeFileSync } = await import('node:fs'); writeFileSync(process.argv[3], r.outputFiles[0].text); }
