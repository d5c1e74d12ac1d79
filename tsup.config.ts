import { defineConfig } from 'tsup';
import { restoreConstIn } from './scripts/restore-const.mjs';

export default defineConfig({
  entry: { index: 'adapters/index.ts', machine: 'machine/index.ts', server: 'adapters/server/index.ts', react: 'adapters/react/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // Shared chunks for CJS too, so that require('heartsocket').socketMachine is the very object
  // require('heartsocket/machine') gives (ESM shares them anyway).
  splitting: true,
  target: 'es2022',
  external: ['xstate', 'ws', 'react'],
  // esbuild declares the bundle's top-level bindings with `var`; V8 folds a `const` into optimized
  // code, where it loads and checks a `var` at every use (the per-message path has several).
  onSuccess: () => {
    restoreConstIn('dist');
    return Promise.resolve();
  },
});
