// heartsocket/react's documented behaviours are documented where users look: the README and the
// hook's TSDoc, not only a source comment (issue #21).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const read = (file: string) => readFileSync(join(root, file), 'utf8').replace(/\s*\n\s*(\*\s*)?/g, ' ');

it.each(['README.md', 'adapters/react/useHeartSocket.ts'])('%s says the socket closes a microtask after the unmount, and why', (file) => {
  const text = read(file);
  expect(text).toMatch(/closes a microtask after the unmount/);
  expect(text).toMatch(/StrictMode/);
});

it("the README's React example shows the coarse status, not the fine state", () => {
  const readme = read('README.md');
  expect(readme).toMatch(/status === 'open' \? lastJsonMessage\?\.price : status/);
  expect(readme).not.toMatch(/state === 'open' \? lastJsonMessage/);
});
