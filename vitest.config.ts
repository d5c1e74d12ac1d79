import { defineConfig } from 'vitest/config';

export default defineConfig({
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
      include: ['machine/**/*.ts', 'adapters/**/*.ts'],
      // Re-exports and type declarations: no code of their own to cover.
      exclude: ['**/index.ts', 'machine/types.ts'],
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
