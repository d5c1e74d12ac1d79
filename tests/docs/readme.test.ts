// Every TypeScript block of the README compiles, taken from the README itself: an example that
// drifts from the API fails here. Each block is its own module; a small preamble declares the
// names the blocks use without defining them (`url`, …). `heartsocket` and its entries resolve to
// the source.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { typeScriptBlocks } from './readme.js';

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

it('compiles every TypeScript block of the README', () => {
  const blocks = typeScriptBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
  expect(blocks.length).toBeGreaterThan(3);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'preamble.d.ts'), PREAMBLE);
  const files = blocks.map((block, index) => {
    const file = join(dir, `readme-line-${block.line}.${block.tsx ? 'tsx' : 'ts'}`);
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
    },
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName.startsWith(dir))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const readmeLine = Number(/readme-line-(\d+)/.exec(d.file!.fileName)![1]) + line + 1;
      return `README.md:${readmeLine}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  expect(problems).toEqual([]);
});
