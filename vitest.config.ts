import { defineConfig } from 'vitest/config';

const source = (path: string) => new URL(path, import.meta.url).pathname;

export default defineConfig({
  // The package's own names resolve to the source: examples taken from the README run as written.
  resolve: {
    alias: [
      { find: /^heartsocket$/, replacement: source('./adapters/index.ts') },
      { find: /^heartsocket\/machine$/, replacement: source('./machine/index.ts') },
      { find: /^heartsocket\/server$/, replacement: source('./adapters/server/index.ts') },
      { find: /^heartsocket\/react$/, replacement: source('./adapters/react/index.ts') },
      { find: /^heartsocket\/live-view$/, replacement: source('./visualizations/inspector/index.ts') },
      { find: /^heartsocket\/testing$/, replacement: source('./testing/index.ts') },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Finds (and unpacks, once per run) the Chromium that the browser tests drive.
    globalSetup: ['tests/browser/globalSetup.ts'],
    pool: 'forks',
    // Node 20 keeps the standard (undici) WebSocket behind a flag: with it, the adapter is tested
    // on the global-WebSocket path (browsers, Node 22+) as well as on `ws`.
    execArgv: ['--experimental-websocket'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    coverage: {
      provider: 'v8',
      include: ['machine/**/*.ts', 'adapters/**/*.ts', 'visualizations/inspector/**/*.ts', 'testing/**/*.ts'],
      // Re-exports and type declarations: no code of their own to cover. test-artifacts/: the
      // docs' examples, copied there to be run, are the docs' code, not the library's.
      exclude: ['**/index.ts', 'machine/types.ts', 'test-artifacts/**'],
      reporter: ['text', 'html'],
      // What the suite reaches today (2026-11-25), rounded down: coverage may only go up.
      thresholds: {
        lines: 94,
        statements: 91,
        functions: 95,
        branches: 82,
        'machine/**': { lines: 99, statements: 95, functions: 100, branches: 91 },
      },
    },
  },
});
