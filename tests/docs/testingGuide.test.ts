// docs/testing-your-app.md, run from the page: its chat store's test passes on every connection
// path, and the same test fails on the page's naive store, on the paths and with the messages the
// page shows; its half-open scenario, driven by hand, passes.
import { describe, expect, it } from 'vitest';
import { collectCases, writeExample, type ExampleCase } from '../support/guideExample.js';

const { dir, files, markdown } = writeExample('docs/testing-your-app.md', 'guide/store');
const test = files.get('chatStore.test.ts')!;
const onFixed = await collectCases(dir, 'fixed.walk.ts', test);
const onNaive = await collectCases(dir, 'naive.walk.ts', test, { './chatStore.js': './naiveChatStore.js' });
const halfOpen = await collectCases(dir, 'halfOpen.run.ts', files.get('halfOpen.test.ts')!);

/** The failures the page shows: `✗ <path name>` and the message on the next line. */
const shown = [...markdown.matchAll(/^✗ (.+)\n\s+(.+)$/gm)].map(([, name, message]) => ({ name: name!, message: message! }));

async function failureOf(example: ExampleCase): Promise<string | undefined> {
  try {
    await example.run();
    return undefined;
  } catch (error) {
    return String(error);
  }
}

describe('the guide: the chat store, on every connection path', () => {
  it('has a case for every path', () => {
    expect(onFixed.length).toBeGreaterThan(100);
    expect(onNaive.map((c) => c.name)).toEqual(onFixed.map((c) => c.name));
  });

  it.each(onFixed.map((example) => [example.name, example] as const))('%s', (_name, example) => example.run());
});

describe('the guide: the naive chat store', () => {
  it('shows two failures', () => {
    expect(shown.length).toBe(2);
  });

  it.each(shown.map((failure) => [failure.name, failure] as const))('fails on %s, as the page shows', async (name, failure) => {
    const example = onNaive.find((c) => c.name === name);
    expect(example, `a path named ${name}`).toBeDefined();
    expect(await failureOf(example!)).toContain(failure.message);
  });
});

describe('the guide: a scenario driven by hand', () => {
  it('has one', () => expect(halfOpen.length).toBe(1));
  it.each(halfOpen.map((example) => [example.name, example] as const))('%s', (_name, example) => example.run());
});
