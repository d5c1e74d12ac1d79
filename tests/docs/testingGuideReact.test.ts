// @vitest-environment jsdom
// docs/testing-your-app.md's React example, run from the page: a component using useHeartSocket,
// rendered with React Testing Library in jsdom (`ws` as its WebSocket), walked through the paths.
import { describe, expect, it } from 'vitest';
import { collectCases, writeExample } from '../support/guideExample.js';

const { dir, files } = writeExample('docs/testing-your-app.md', 'guide/react');
const cases = await collectCases(dir, 'banner.walk.tsx', files.get('ChatBanner.test.tsx')!);

describe("the guide: a component's useHeartSocket, on the silent peer's paths", () => {
  it('has a case for every path', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases.map((example) => [example.name, example] as const))('%s', (_name, example) => example.run());
});
