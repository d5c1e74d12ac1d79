/**
 * Headless Chromium for the browser tests, driven by playwright-core: the one that
 * ./globalSetup.ts found (by default the `@sparticuz/chromium` devDependency's, unpacked once per
 * run; `HEARTSOCKET_CHROMIUM` picks another) — never one downloaded by playwright.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { inject } from 'vitest';
import type { ChromiumLaunch } from './globalSetup.js';

/** A fresh headless Chromium with an empty profile; `close()` removes both. */
export async function launchChromium(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const found: ChromiumLaunch | undefined = inject('chromium');
  if (found === undefined) throw new Error('No Chromium: run the browser tests with vitest.config.ts (its globalSetup finds one).');
  if ('error' in found) throw new Error(`The browser tests have no Chromium. ${found.error}`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'heartsocket-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: found.executablePath,
    headless: true,
    args: found.args,
    timeout: 30_000,
    ...options,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
