// What each built entry carries: the files a consumer's bundler reaches from `dist/<entry>`
// (esbuild follows the imports and requires into the shared chunks), and the sources those files
// were built from (their source maps). An app that imports `heartsocket` must ship none of the
// live view: re-exporting it from adapters/index.ts would put its chunk under dist/index.* again.
// Nor any of the testing tools (heartsocket/testing): they are for an app's tests, not its bundle.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { build, type Format } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';

/** The sources (relative to the root) of every dist/ file that `dist/${file}` reaches. */
async function sourcesReachedFrom(file: string, format: Format): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join('dist', file)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format,
    external: ['xstate', 'ws', 'react'],
    logLevel: 'silent',
  });
  const reached = Object.keys(result.metafile.inputs);
  expect(reached).toContain(`dist/${file}`);
  return reached.flatMap((built) => {
    const map = JSON.parse(readFileSync(join(root, `${built}.map`), 'utf8')) as { sources: string[] };
    return map.sources.map((source) => normalize(join(dirname(built), source)));
  });
}

const LIVE_VIEW = ['visualizations/inspector/liveView.ts', 'visualizations/inspector/liveViewEvents.ts', 'visualizations/inspector/watch.ts'];

const TESTING = ['testing/testServer.ts', 'testing/testClock.ts', 'testing/paths.ts', 'testing/walk.ts'];

describe('the built entries', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  for (const [file, format] of [
    ['index.js', 'esm'],
    ['index.cjs', 'cjs'],
  ] as const) {
    it(`dist/${file} and the chunks it loads hold nothing of the live view`, async () => {
      const sources = await sourcesReachedFrom(file, format);
      // The check sees the sources: the adapter is there.
      expect(sources).toContain('adapters/HeartSocket.ts');
      expect(sources.filter((source) => source.startsWith('visualizations/'))).toEqual([]);
    });

    it(`dist/${file} and the chunks it loads hold nothing of heartsocket/testing`, async () => {
      const sources = await sourcesReachedFrom(file, format);
      expect(sources).toContain('adapters/HeartSocket.ts');
      expect(sources.filter((source) => source.startsWith('testing/'))).toEqual([]);
    });

    it(`dist/${file} and the chunks it loads hold nothing of heartsocket/resume's sessions`, async () => {
      const sources = await sourcesReachedFrom(file, format);
      expect(sources).toContain('adapters/socketLink.ts');
      expect(sources.filter((source) => source.startsWith('adapters/resume/'))).toEqual([]);
    });
  }

  for (const [file, format] of [
    ['resume.js', 'esm'],
    ['resume.cjs', 'cjs'],
  ] as const) {
    it(`dist/${file} holds the session logic`, async () => {
      const sources = await sourcesReachedFrom(file, format);
      expect(sources).toEqual(expect.arrayContaining(['adapters/resume/session.ts', 'adapters/resume/frames.ts', 'adapters/resume/unacknowledged.ts']));
      expect(sources).not.toContain('adapters/HeartSocket.ts');
    });
  }

  for (const [file, format] of [
    ['live-view.js', 'esm'],
    ['live-view.cjs', 'cjs'],
  ] as const) {
    it(`dist/${file} holds the live view's inspector, on the main entry's HeartSocket`, async () => {
      const sources = await sourcesReachedFrom(file, format);
      expect(sources).toEqual(expect.arrayContaining([...LIVE_VIEW, 'adapters/HeartSocket.ts']));
      // The page, its server and the diagrams are not published.
      expect(sources.filter((source) => source.startsWith('visualizations/') && !source.startsWith('visualizations/inspector/'))).toEqual([]);
    });
  }

  for (const [file, format] of [
    ['testing.js', 'esm'],
    ['testing.cjs', 'cjs'],
  ] as const) {
    it(`dist/${file} holds the testing tools, on the main entry's machine`, async () => {
      const sources = await sourcesReachedFrom(file, format);
      expect(sources).toEqual(expect.arrayContaining([...TESTING, 'machine/socketMachine.ts']));
      expect(sources.filter((source) => source.startsWith('visualizations/'))).toEqual([]);
    });
  }
});
