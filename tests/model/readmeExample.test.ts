/**
 * The testing guide's "generate tests from the machine" example, kept honest: it is taken from
 * docs/testing.md itself and run as printed (with `export { paths }` added, to look at what it made).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { typeScriptBlocks } from '../support/readme.js';

const root = new URL('../..', import.meta.url).pathname;

it('reaches every one of the six states', async () => {
  const blocks = typeScriptBlocks(readFileSync(join(root, 'docs', 'testing.md'), 'utf8'));
  const example = blocks.find((block) => block.code.includes('getShortestPaths('));
  expect(example, 'the example that uses getShortestPaths').toBeDefined();
  const dir = join(root, 'test-artifacts', 'readme-example');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'graph.ts');
  writeFileSync(file, `${example!.code}\nexport { paths };\n`);
  const { paths } = (await import(file)) as { paths: { state: { value: unknown } }[] };
  const values = new Set(paths.map((path) => JSON.stringify(path.state.value)));
  for (const name of ['connecting', 'open', 'awaitingPong', 'closing', 'reconnectWait', 'closed']) {
    expect([...values].some((value) => value.includes(`"${name}"`)), name).toBe(true);
  }
});
