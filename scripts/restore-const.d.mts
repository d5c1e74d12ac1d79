/** The file's text with its safe top-level `var`s made `const` (see restore-const.mjs), and how many. */
export declare function restoreConst(text: string, fileName: string): { text: string; count: number };
/** Rewrites every bundle file (`.js`, `.cjs`, `.mjs`) of `directory` in place; returns how many bindings became `const`. */
export declare function restoreConstIn(directory: string): number;
