/**
 * Once per test run, in vitest's main process: finds the Chromium the browser tests drive and
 * hands it to the workers (`inject('chromium')` in ./chromium.ts).
 *
 * By default that is the Chromium shipped inside the `@sparticuz/chromium` devDependency, so that
 * `npm ci && npm test` needs nothing else on the machine. It is unpacked here, once, rather than
 * in each worker: the package unpacks into a fixed folder, and several workers doing it at once
 * would race (one launching a half-written binary).
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** What the workers get: a browser to launch and its flags, or why there is none. */
export type ChromiumLaunch = { executablePath: string; args: string[] } | { error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: ChromiumLaunch;
  }
}

/** Ours, for every Chromium: headless, no sandbox (we run as root), no background traffic. */
export const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `@sparticuz/chromium`'s flags (tuned for AWS Lambda) that we leave out:
 * - `--disable-features=…`/`--enable-features=…`: Chromium keeps only the last of each, so they
 *   would replace playwright's own lists, which turn off startup network traffic among others;
 * - `--single-process`: Lambda needs it, we don't; a page of its own per renderer is what browsers do;
 * - `--disable-web-security`, `--allow-running-insecure-content`, `--disable-site-isolation-trials`:
 *   the page must see the same-origin rules a real browser applies;
 * - `--headless=…`: ARGS (and playwright) pass `--headless`.
 */
const LEFT_OUT = /^--(disable-features|enable-features|single-process|disable-web-security|allow-running-insecure-content|disable-site-isolation-trials|headless)(=|$)/;

export default async function setup(project: TestProject): Promise<void> {
  project.provide('chromium', await findChromium());
}

async function findChromium(): Promise<ChromiumLaunch> {
  const chosen = process.env.HEARTSOCKET_CHROMIUM;
  if (chosen) {
    return existsSync(chosen)
      ? { executablePath: chosen, args: ARGS }
      : { error: `HEARTSOCKET_CHROMIUM is ${chosen}, and there is no such file.` };
  }
  // The package holds a Linux x64 build only; elsewhere, a system Chromium if there is one.
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    if (existsSync('/usr/bin/chromium')) return { executablePath: '/usr/bin/chromium', args: ARGS };
    return {
      error:
        `@sparticuz/chromium has no Chromium for ${process.platform}-${process.arch}: ` +
        'set HEARTSOCKET_CHROMIUM to a Chromium or Chrome binary.',
    };
  }
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    chromium.setGraphicsMode = false; // its args then turn WebGL off, as our --disable-gpu does
    const executablePath = await unpack(() => chromium.executablePath());
    const args = [...new Set([...chromium.args.filter((arg) => !LEFT_OUT.test(arg)), ...ARGS])];
    return { executablePath, args };
  } catch (error) {
    return { error: `Unpacking @sparticuz/chromium failed: ${(error as Error).stack ?? String(error)}` };
  }
}

/**
 * The package unpacks into os.tmpdir() (the binary as `chromium`, fonts, SwiftShader) and reuses
 * whatever `chromium` it finds there, even one half-written or of another version. So each
 * version gets a folder of its own, /tmp/heartsocket-sparticuz-chromium-<version>, unpacked into a
 * private folder first and renamed into place whole: a run never sees a partial one, and two runs
 * at once (`npm test` and `npm run coverage` on one machine) both end up with a complete one.
 */
async function unpack(executablePath: () => Promise<string>): Promise<string> {
  const require = createRequire(import.meta.url);
  const manifest = join(dirname(require.resolve('@sparticuz/chromium')), '..', 'package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const folder = join(tmpdir(), `heartsocket-sparticuz-chromium-${version}`);
  const binary = join(folder, 'chromium');
  if (existsSync(binary)) return binary;

  const staging = mkdtempSync(`${folder}.unpacking-`);
  const TMPDIR = process.env.TMPDIR;
  process.env.TMPDIR = staging; // os.tmpdir() reads it on every call
  try {
    const unpacked = await executablePath();
    if (unpacked !== join(staging, 'chromium')) throw new Error(`unpacked to ${unpacked}, not into ${staging}`);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (TMPDIR === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = TMPDIR;
  }
  try {
    renameSync(staging, folder);
  } catch (error) {
    // Another run got there first with the same version: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}
