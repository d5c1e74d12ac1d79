/**
 * partysocket's `src/tests/module-scope.test.ts` (cloudflare/partykit at c9ab55f3), ported to
 * HeartSocket under its upstream name: loading the module that defines the socket draws no random
 * numbers (jitter is drawn per retry, never at import).
 */
import { afterEach, expect, test, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
});

test('does not generate random values while importing the websocket module', async () => {
  vi.resetModules();
  const random = vi.spyOn(Math, 'random');

  const module = await import('../../adapters/HeartSocket.js');
  await import('../../adapters/index.js');

  expect(random).not.toHaveBeenCalled();
  // The import did run afresh: a module that failed to load would not get here with a class.
  expect(typeof module.HeartSocket).toBe('function');
});
