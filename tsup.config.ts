import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'adapters/index.ts',
    machine: 'machine/index.ts',
    server: 'adapters/server/index.ts',
    react: 'adapters/react/index.ts',
    resume: 'adapters/resume/index.ts',
    'live-view': 'visualizations/inspector/index.ts',
    testing: 'testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // Shared chunks for CJS too, so that require('heartsocket').socketMachine is the very object
  // require('heartsocket/machine') gives (ESM shares them anyway).
  splitting: true,
  target: 'es2022',
  external: ['xstate', 'ws', 'react'],
});
