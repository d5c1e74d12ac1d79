/** Reading the README's code blocks, for the tests that keep them honest. */

/** The ```ts and ```tsx blocks of a Markdown file, with the line each starts on. */
export function typeScriptBlocks(markdown: string): { line: number; code: string; tsx: boolean }[] {
  const blocks: { line: number; code: string; tsx: boolean }[] = [];
  for (const match of markdown.matchAll(/^```(tsx?)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, code: match[2]!, tsx: match[1] === 'tsx' });
  }
  return blocks;
}

/**
 * The blocks of a page that are files of one example: those whose first line names the file
 * (`// chatStore.ts`), by that name. They import each other as the page shows (`./chatStore.js`).
 */
export function exampleFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const block of typeScriptBlocks(markdown)) {
    const name = /^\/\/ ([\w.]+\.tsx?)\n/.exec(block.code)?.[1];
    if (name !== undefined) files.set(name, block.code);
  }
  return files;
}
