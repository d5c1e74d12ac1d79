// Gives the bundle's top-level bindings back the `const` of the sources, where that is safe.
//
// Why: when it bundles, esbuild declares every top-level `const`, `let` and `class` with `var`
// (it has no option not to: evanw/esbuild#623, #2889). V8 cannot take a `var` of a module for a
// constant, so optimized code loads it and checks its value at every use; a `const` it folds
// into the code. The per-message path of `HeartSocket` uses several (the event class, the
// symbols of an event's dispatch state, the attempt's symbol): `npm run bench:instructions`
// counts what they cost (see docs/performance.md).
//
// Which: a top-level `var` statement whose every binding has an initializer, is declared once,
// is never assigned anywhere in the file, and is not read by the module's top-level code before
// its declaration is done (where a `const` would throw: a class's static field naming the class
// included). Reads from inside functions and classes run
// later, as they did in the sources, where these bindings were `const` already.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ASSIGNMENT_OPERATORS = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.AsteriskAsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken,
  ts.SyntaxKind.PercentEqualsToken,
  ts.SyntaxKind.LessThanLessThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.AmpersandEqualsToken,
  ts.SyntaxKind.BarEqualsToken,
  ts.SyntaxKind.CaretEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** The names an assignment target writes: `a`, `[a, b]`, `{ a, b: c }`, `...a`. */
function targetNames(node, names) {
  if (ts.isIdentifier(node)) names.add(node.text);
  else if (ts.isParenthesizedExpression(node)) targetNames(node.expression, names);
  else if (ts.isArrayLiteralExpression(node)) node.elements.forEach((element) => targetNames(element, names));
  else if (ts.isObjectLiteralExpression(node)) {
    for (const property of node.properties) {
      if (ts.isShorthandPropertyAssignment(property)) names.add(property.name.text);
      else if (ts.isPropertyAssignment(property)) targetNames(property.initializer, names);
      else if (ts.isSpreadAssignment(property)) targetNames(property.expression, names);
    }
  } else if (ts.isSpreadElement(node)) targetNames(node.expression, names);
  else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) targetNames(node.left, names);
}

/** Every name the file assigns to, anywhere (shadowing ignored: a name assigned anywhere stays `var`). */
function assignedNames(file) {
  const names = new Set();
  const visit = (node) => {
    if (ts.isBinaryExpression(node) && ASSIGNMENT_OPERATORS.has(node.operatorToken.kind)) targetNames(node.left, names);
    else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && ts.isIdentifier(node.operand)) {
      if (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) names.add(node.operand.text);
    } else if ((ts.isForInStatement(node) || ts.isForOfStatement(node)) && !ts.isVariableDeclarationList(node.initializer)) {
      targetNames(node.initializer, names);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}

const isStatic = (node) => node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword) ?? false;

/**
 * The names a top-level statement reads as it runs: not inside a function's body or a method, nor
 * in an instance field's initializer (they run later), but in computed names, static fields and
 * static blocks (they run where the class stands), and in its own initializers.
 */
function namesReadNow(statement) {
  const names = new Set();
  const visit = (node) => {
    if (ts.isFunctionLike(node) || (ts.isPropertyDeclaration(node) && !isStatic(node))) {
      if (node.name !== undefined && ts.isComputedPropertyName(node.name)) visit(node.name);
      return;
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.initializer !== undefined) visit(node.initializer); // (its name is declared, not read)
      return;
    }
    // A member's name is not a read of a binding: `Function.prototype.bind`, `{ bind: … }`.
    if (ts.isPropertyAccessExpression(node)) return visit(node.expression);
    if (ts.isPropertyAssignment(node)) {
      if (ts.isComputedPropertyName(node.name)) visit(node.name);
      return visit(node.initializer);
    }
    if (ts.isIdentifier(node)) names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(statement);
  return names;
}

/** The file's text with its safe top-level `var`s made `const`, and how many. */
export function restoreConst(text, fileName) {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const assigned = assignedNames(file);
  const declared = new Map();
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) declared.set(declaration.name.text, (declared.get(declaration.name.text) ?? 0) + 1);
      }
    } else if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
      if (statement.name) declared.set(statement.name.text, (declared.get(statement.name.text) ?? 0) + 2);
    }
  }
  const edits = [];
  // What top-level code has read by the end of each statement: a `const` read by then would throw.
  const readSoFar = new Set();
  for (const statement of file.statements) {
    for (const name of namesReadNow(statement)) readSoFar.add(name);
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    if (list.flags & ts.NodeFlags.BlockScoped) continue; // already let/const
    const safe = list.declarations.every(
      (declaration) =>
        ts.isIdentifier(declaration.name) &&
        declaration.initializer !== undefined &&
        declared.get(declaration.name.text) === 1 &&
        !assigned.has(declaration.name.text) &&
        !readSoFar.has(declaration.name.text),
    );
    if (safe) edits.push(list.getStart(file));
  }
  let result = text;
  for (const start of edits.reverse()) {
    if (result.slice(start, start + 4) !== 'var ') throw new Error(`${fileName}: expected \`var\` at ${start}`);
    result = `${result.slice(0, start)}const${result.slice(start + 3)}`;
  }
  return { text: result, count: edits.length };
}

/** Rewrites every bundle file of `directory` in place; returns how many bindings became `const`. */
export function restoreConstIn(directory) {
  let total = 0;
  for (const name of readdirSync(directory)) {
    if (!/\.(c|m)?js$/.test(name)) continue;
    const path = join(directory, name);
    const { text, count } = restoreConst(readFileSync(path, 'utf8'), name);
    if (count > 0) writeFileSync(path, text);
    total += count;
  }
  return total;
}
