/** Reading the README's code blocks, for the tests that keep them honest. */

/** The ```ts and ```tsx blocks of a Markdown file, with the line each starts on. */
export function typeScriptBlocks(markdown: string): { line: number; code: string; tsx: boolean }[] {
  const blocks: { line: number; code: string; tsx: boolean }[] = [];
  for (const match of markdown.matchAll(/^```(tsx?)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, code: match[2]!, tsx: match[1] === 'tsx' });
  }
  return blocks;
}
