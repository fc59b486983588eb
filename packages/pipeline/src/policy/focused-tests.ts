// No `.only` may reach the main branch: a focused test silently turns every other test in its
// file off. Test files are read with the TypeScript parser, so `.only` in a string or a comment is
// not mistaken for a call.
import ts from 'typescript';

export interface FocusedTest {
  readonly file: string;
  readonly line: number;
  readonly call: string;
}

const TEST_FUNCTIONS = new Set(['describe', 'it', 'test', 'suite', 'bench']);

export function isTestFile(file: string): boolean {
  return /\.(test|spec)\.[cm]?[jt]sx?$/.test(file) || /(^|\/)test\/.+\.[cm]?[jt]sx?$/.test(file);
}

export function findFocusedTests(file: string, source: string): FocusedTest[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: FocusedTest[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === 'only' &&
      TEST_FUNCTIONS.has(rootName(node.expression))
    ) {
      found.push({
        file,
        line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1,
        call: node.getText(sourceFile),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** `it.concurrent.only` and `describe.each(...).only` hang off `it` and `describe`. */
function rootName(expression: ts.Expression): string {
  let current: ts.Expression = expression;
  for (;;) {
    if (ts.isPropertyAccessExpression(current)) current = current.expression;
    else if (ts.isCallExpression(current)) current = current.expression;
    else if (ts.isIdentifier(current)) return current.text;
    else return '';
  }
}
