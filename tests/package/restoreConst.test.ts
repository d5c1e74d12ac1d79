// The build step that gives the bundle's top-level bindings their `const` back
// (scripts/restore-const.mjs): which `var`s it turns, which it must leave, and the built package.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { restoreConst } from '../../scripts/restore-const.mjs';

const restored = (source: string): string => restoreConst(source, 'bundle.js').text;

describe('restoreConst', () => {
  it('makes a top-level var that is never assigned a const', () => {
    const source = 'var ATTEMPT = Symbol("a");\nvar Event = class {};\nfunction f() { return ATTEMPT; }\n';
    expect(restored(source)).toBe('const ATTEMPT = Symbol("a");\nconst Event = class {};\nfunction f() { return ATTEMPT; }\n');
    expect(restoreConst(source, 'bundle.js').count).toBe(2);
  });

  it('leaves a var that is assigned anywhere, in any way', () => {
    for (const write of ['a = 2', 'a += 2', 'a++', '--a', '[a] = [2]', '({ a } = { a: 2 })', '({ b: a } = { b: 2 })', 'for (a of []) ;', 'a ??= 2']) {
      const source = `var a = 1;\nfunction f() { ${write}; }\n`;
      expect(restored(source), write).toBe(source);
    }
  });

  it('leaves a var without an initializer, declared twice, or named like a function', () => {
    for (const source of ['var a;\n', 'var a = 1;\nvar a = 2;\n', 'var a = 1;\nfunction a() {}\n', 'var a = 1, b;\n']) {
      expect(restored(source)).toBe(source);
    }
  });

  it('leaves a var that top-level code reads before its declaration, where a const would throw', () => {
    for (const early of ['console.log(a);', 'class C { static b = a; }', 'class C { [a]() {} }', 'class C { static { a; } }']) {
      const source = `${early}\nvar a = 1;\n`;
      expect(restored(source), early).toBe(source);
    }
    // …or while it is still being declared: a class whose static field names it.
    for (const source of ['var a = class { static b = a.name; };\n', 'var a = [a];\n']) {
      expect(restored(source)).toBe(source);
    }
  });

  it('takes a member named like the binding for no read of it', () => {
    const source = 'var bind = Function.prototype.bind;\nvar o = { bind: 1 }.bind;\n';
    expect(restored(source)).toBe(source.replaceAll('var ', 'const '));
  });

  it('turns a var read early only from code that runs later: functions, methods, instance fields', () => {
    const source = 'function f() { return a; }\nclass C { b = a; m() { return a; } }\nconst g = () => a;\nvar a = 1;\n';
    expect(restored(source)).toBe(source.replace('var a', 'const a'));
  });

  it('leaves let and const as they are', () => {
    const source = 'let a = 1;\nconst b = 2;\n';
    expect(restored(source)).toBe(source);
  });

  describe('on the built package', () => {
    beforeAll(() => ensureBuilt(), 180_000); // (a build when dist/ is missing or stale)

    it('has run: its bundles keep no top-level var the step could have turned', () => {
      const dist = join(root, 'dist');
      const bundles = readdirSync(dist).filter((name) => /\.c?js$/.test(name));
      expect(bundles.length).toBeGreaterThan(0);
      for (const name of bundles) {
        expect(restoreConst(readFileSync(join(dist, name), 'utf8'), name).count, name).toBe(0);
      }
      // The per-message path's bindings among them (see adapters/socketActor.ts, adapters/events.ts).
      const text = bundles.map((name) => readFileSync(join(dist, name), 'utf8')).join('\n');
      expect(text).toMatch(/^const ATTEMPT = Symbol\(/m);
      expect(text).toMatch(/^const LightMessageEvent = class/m);
    });
  });
});
