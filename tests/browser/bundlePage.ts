/**
 * The page the browser tests open: the built ESM bundle (`dist/index.js`) as `window.heartsocket`,
 * and the `heartsocket/resume` entry (`dist/resume.js`) as `window.heartsocketResume`, with xstate
 * resolved by an import map, served on 127.0.0.1 with only the files it imports.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { launchChromium } from './chromium.js';

// Only these directories are served: the bundle and xstate's browser-ready ESM build.
const SERVED = ['dist', join('node_modules', 'xstate', 'dist')];
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json' };

const page = (title: string): string => `<!doctype html>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "xstate": "/node_modules/xstate/dist/xstate.esm.js" } }</script>
<script type="module">
  import * as heartsocket from '/dist/index.js';
  import * as heartsocketResume from '/dist/resume.js';
  window.heartsocketResume = heartsocketResume;
  window.heartsocket = heartsocket;
</script>`;

/** Serves the page, titled `title`, at `/` and the files it imports; `close()` stops it. */
export async function startBundlePage(title: string): Promise<{ url: string; close(): Promise<void> }> {
  const html = page(title);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const file = normalize(join(root, path));
    if (!SERVED.some((dir) => file.startsWith(join(root, dir) + sep)) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * For a test file that drives the page in Chromium: before its tests, launches Chromium, builds the
 * bundle if needed and serves the page titled `title`; after each test, runs what was pushed on
 * `cleanups`, newest first; after the file, closes both. `beforeCleanup` runs first, after each
 * test and after the file (a suspended browser must be woken before it can be closed).
 */
export function bundlePageInChromium(
  title: string,
  beforeCleanup: () => void = () => {},
): { readonly context: BrowserContext; readonly url: string; readonly cleanups: (() => unknown)[] } {
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let pageServer: Awaited<ReturnType<typeof startBundlePage>> | undefined;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
    await ensureBuilt();
    pageServer = await startBundlePage(title);
  }, 240_000);
  afterEach(async () => {
    beforeCleanup();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  }, 30_000);
  afterAll(async () => {
    beforeCleanup();
    await browser?.close();
    await pageServer?.close();
  }, 30_000);
  return {
    get context() {
      return browser!.context;
    },
    get url() {
      return pageServer!.url;
    },
    cleanups,
  };
}
