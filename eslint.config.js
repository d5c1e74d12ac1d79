// typescript-eslint with its type-checked rules, not Biome: Biome does not check types, and the
// type-aware rules (no-floating-promises, no-misused-promises, no-unsafe-*, await-thenable,
// restrict-template-expressions…) are the ones that find the real bugs of an async, timer-heavy
// library. `npm run lint`; `npm test` runs it after the type check.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'coverage/',
      'docs/api/',
      'test-artifacts/',
      'visualizations/page/build/',
      'node_modules/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    rules: {
      // `const { a, b, ...rest } = options` is how this code leaves keys out of an object, and a
      // leading `_` marks a parameter a callback's signature needs but its body does not.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
    },
  },
  // Tests handle untyped values on purpose: code that page.evaluate() runs against the page's
  // window globals, XState's internal state nodes walked as data, JSON.parse() results, mock.calls,
  // expect.any() matchers, and mixin constructors (TypeScript requires `...args: any[]`). Typing
  // each would add assertions that check nothing; the other type-checked rules stay on.
  {
    files: ['tests/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Plain JavaScript (demo/, bench/, scripts/, visualizations/viz.mjs, this file) and the one
  // declaration file beside it, which tsconfig.json does not include: the non-type-checked
  // recommended rules only, on Node's globals.
  {
    files: ['**/*.{js,mjs,cjs}', '**/*.d.mts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
);
