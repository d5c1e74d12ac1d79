// One source per default: DEFAULT_SETTINGS (and DEFAULT_QUEUE_MAX). The README's options table and
// the `@default` tags of the option types must say the same, or this fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DEFAULT_QUEUE_MAX } from '../../adapters/options.js';
import { DEFAULT_SETTINGS, HEARTBEAT_PONG } from '../../machine/settings.js';

const root = new URL('../..', import.meta.url).pathname;
const { heartbeat, reconnect } = DEFAULT_SETTINGS;

/** Each option with a value default, as the README writes it and as a `@default` tag writes it. */
const DEFAULTS: Record<string, { readme: string; tag: string }> = {
  'heartbeat.interval': ms(heartbeat.interval),
  'heartbeat.timeout': ms(heartbeat.timeout),
  'heartbeat.message': quoted(heartbeat.message),
  'heartbeat.protocol': flag(heartbeat.protocol),
  'reconnect.delay': ms(reconnect.delay),
  'reconnect.factor': plain(reconnect.factor),
  'reconnect.maxDelay': ms(reconnect.maxDelay),
  'reconnect.jitter': plain(reconnect.jitter),
  'reconnect.maxRetries': { readme: `\`${reconnect.maxRetries}\``, tag: String(reconnect.maxRetries) },
  'reconnect.minUptime': ms(reconnect.minUptime),
  connectTimeout: ms(DEFAULT_SETTINGS.connectTimeout),
  closeTimeout: ms(DEFAULT_SETTINGS.closeTimeout),
  startClosed: flag(DEFAULT_SETTINGS.startClosed),
  'queue.max': plain(DEFAULT_QUEUE_MAX),
};

function ms(value: number) {
  return { readme: `${value} ms`, tag: String(value) };
}
function plain(value: number) {
  return { readme: String(value), tag: String(value) };
}
function flag(value: boolean) {
  return { readme: `\`${value}\``, tag: String(value) };
}
/** A string default, quoted; any other kind is shown as its kind, which no README entry matches. */
function quoted(value: unknown) {
  const text = typeof value === 'string' ? value : `(${typeof value})`;
  return { readme: `\`'${text}'\``, tag: `'${text}'` };
}

it("the README's options table gives the code's defaults", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = new Map(
    [...readme.matchAll(/^\| `([\w.]+)` \| ([^|]*) \|/gm)].map((match) => [match[1]!, match[2]!.trim()]),
  );
  for (const [option, expected] of Object.entries(DEFAULTS)) {
    expect(table.get(option), `README options table, ${option}`).toBe(expected.readme);
  }
  // The default isPong is the convention's: the README says which message it matches.
  expect(table.get('heartbeat.isPong')).toBe(`\`data === '${HEARTBEAT_PONG}'\``);
  expect(heartbeat.isPong?.(HEARTBEAT_PONG)).toBe(true);
});

it('the @default tags of the option types give the code defaults', () => {
  const sources = ['machine/settings.ts', 'adapters/options.ts'].map((file) => readFileSync(join(root, file), 'utf8')).join('\n');
  // `  /** … @default 3000 */\n  interval?: number;` → interval: 3000 (the last segment of the option name).
  const tags = new Map<string, string[]>();
  for (const match of sources.matchAll(/@default ([^\n*]+?)\s*(?:\*\/)?\n(?:\s*\*\/\n)?\s*(\w+)\?:/g)) {
    tags.set(match[2]!, [...(tags.get(match[2]!) ?? []), match[1]!.trim()]);
  }
  for (const [option, expected] of Object.entries(DEFAULTS)) {
    const field = option.split('.').at(-1)!;
    expect(tags.get(field), `@default of ${option}`).toContain(expected.tag);
  }
});
