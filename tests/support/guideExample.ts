/**
 * Running a guide's example test from the page: its files are written out as the page shows them
 * (`exampleFiles`), and the test file's `it` and `expect` come from a collector instead of vitest,
 * so that the harness decides how each case runs (as a test, or to prove that it fails).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleFiles } from './readme.js';

// Not `new URL('../..', import.meta.url)`: under jsdom, `URL` is jsdom's.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One `it(name, fn)` of an example test. */
export interface ExampleCase {
  name: string;
  run: () => Promise<void>;
}

/** The collector that stands in for `vitest` in an example test: `it` keeps the case, `expect` is vitest's. */
const COLLECTOR = `import { expect } from 'vitest';
export { expect };
export const cases: { name: string; run: () => Promise<void> }[] = [];
export function it(name: string, run: () => unknown): void {
  cases.push({ name, run: async () => void (await run()) });
}
`;

/** The page's example files, written to `test-artifacts/<dir>/`; returns the directory. */
export function writeExample(page: string, dir: string): { dir: string; files: Map<string, string>; markdown: string } {
  const markdown = readFileSync(join(root, page), 'utf8');
  const files = exampleFiles(markdown);
  const out = join(root, 'test-artifacts', dir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const [name, code] of files) writeFileSync(join(out, name), code);
  writeFileSync(join(out, 'collector.ts'), COLLECTOR);
  return { dir: out, files, markdown };
}

/**
 * The cases of an example test file, imported with `vitest` replaced by the collector, and with
 * the imports named in `replace` swapped (to run the same test on another module).
 */
export async function collectCases(dir: string, testFile: string, code: string, replace: Record<string, string> = {}): Promise<ExampleCase[]> {
  let source = code.replace(/from 'vitest';/, "from './collector.js';");
  for (const [from, to] of Object.entries(replace)) source = source.replaceAll(`from '${from}'`, `from '${to}'`);
  writeFileSync(join(dir, testFile), source);
  const before = (await import(join(dir, 'collector.ts'))) as { cases: ExampleCase[] };
  const start = before.cases.length;
  await import(join(dir, testFile));
  return before.cases.slice(start);
}
