// Every TypeScript block of the README and the docs compiles, taken from the pages themselves: an
// example that drifts from the API fails here. Each block is its own module; a small preamble declares the
// names the blocks use without defining them (`url`, …). `heartsocket` and its entries resolve to
// the source.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { typeScriptBlocks } from '../support/readme.js';

const root = new URL('../..', import.meta.url).pathname;
const dir = join(root, 'test-artifacts', 'readme');

/** Names the README's blocks use as placeholders. */
const PREAMBLE = `
export {};
declare global {
  /** The URL of your server. */
  const url: string;
}
`;

/** The pages a user reads: the README and the docs. */
const PAGES = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

// A whole TypeScript program: ~14 s alone on this machine, more under the full suite's load.
it('compiles every TypeScript block of the README and the docs', { timeout: 60_000 }, () => {
  const blocks = PAGES.flatMap((page) =>
    typeScriptBlocks(readFileSync(join(root, page), 'utf8')).map((block) => ({ ...block, page })),
  );
  expect(blocks.length).toBeGreaterThan(3);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'preamble.d.ts'), PREAMBLE);
  const files = blocks.map((block, index) => {
    // A block that names its file (`// chatStore.ts`) is that file, beside the page's other files.
    const name = /^\/\/ ([\w.]+\.tsx?)\n/.exec(block.code)?.[1];
    const pageDir = join(dir, block.page.replace(/\W/g, '_'));
    if (name !== undefined) mkdirSync(pageDir, { recursive: true });
    const file = name !== undefined ? join(pageDir, name) : join(dir, `${block.page.replace(/\W/g, '_')}-line-${block.line}.${block.tsx ? 'tsx' : 'ts'}`);
    // A block without imports or exports would be a script sharing one scope with the others.
    writeFileSync(file, `${block.code}\nexport {};\n`);
    return { file, block, index };
  });
  const entry = (path: string) => [join(root, path)];
  const program = ts.createProgram([join(dir, 'preamble.d.ts'), ...files.map((f) => f.file)], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    jsx: ts.JsxEmit.ReactJSX,
    typeRoots: [join(root, 'node_modules', '@types')],
    paths: {
      heartsocket: entry('adapters/index.ts'),
      'heartsocket/machine': entry('machine/index.ts'),
      'heartsocket/server': entry('adapters/server/index.ts'),
      'heartsocket/react': entry('adapters/react/index.ts'),
      'heartsocket/resume': entry('adapters/resume/index.ts'),
      'heartsocket/live-view': entry('visualizations/inspector/index.ts'),
      'heartsocket/testing': entry('testing/index.ts'),
    },
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName.startsWith(dir))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const block = files.find((f) => f.file === d.file!.fileName)!.block;
      return `${block.page}:${block.line + line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  expect(problems).toEqual([]);
});
