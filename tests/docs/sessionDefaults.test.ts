// One source per default: SESSION_DEFAULTS. docs/server.md's sessions table, docs/protocol.md's
// limits and the `@default` tags of SessionOptions must say the same, or this fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SESSION_DEFAULTS } from '../../adapters/server/sessions/options.js';

const root = new URL('../..', import.meta.url).pathname;
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

it('docs/server.md, docs/protocol.md and the @default tags give the sessions defaults of SESSION_DEFAULTS', () => {
  const server = read('docs/server.md');
  const tags = read('adapters/server/sessions/options.ts');
  for (const [name, value] of Object.entries(SESSION_DEFAULTS)) {
    expect(server, `docs/server.md, ${name}`).toMatch(new RegExp(`^\\| \`${name}\` \\| ${value} \\|`, 'm'));
    expect(tags, `@default of ${name}`).toMatch(new RegExp(`@default ${value}\\b[^\\n]*\\n\\s*\\*/\\n\\s*${name}\\?:`));
  }
  const protocol = read('docs/protocol.md');
  expect(protocol).toContain(`\`maxMessages\` ${SESSION_DEFAULTS.maxMessages}, \`maxBytes\` ${SESSION_DEFAULTS.maxBytes / 1024} KiB |`);
  expect(protocol).toContain(`(default ${SESSION_DEFAULTS.ttl / 1000} s)`);
  expect(protocol).toContain(`(default ${SESSION_DEFAULTS.ackEvery})`);
});
