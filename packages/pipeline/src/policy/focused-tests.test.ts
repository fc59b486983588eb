import { describe, expect, it } from 'vitest';
import { findFocusedTests, isTestFile } from './focused-tests.js';

// The sources below are assembled at run time so this file itself holds no focused call.
const only = ['', 'only'].join('.');

describe('findFocusedTests', () => {
  it('finds focused describe, it and test calls, chained ones included', () => {
    const source = [
      `describe${only}('a', () => {`,
      `  it${only}('b', () => {});`,
      `  test.concurrent${only}('c', () => {});`,
      `  it.each([1])${only}('d %i', () => {});`,
      '});',
    ].join('\n');
    expect(findFocusedTests('x.test.ts', source).map((found) => [found.line, found.call])).toEqual([
      [1, `describe${only}`],
      [2, `it${only}`],
      [3, `test.concurrent${only}`],
      [4, `it.each([1])${only}`],
    ]);
  });

  it('ignores strings, comments and unrelated objects', () => {
    const source = [
      `// it${only}(`,
      `const text = "describe${only}(";`,
      `options${only}(1);`,
      "it('fine', () => {});",
    ].join('\n');
    expect(findFocusedTests('x.test.ts', source)).toEqual([]);
  });
});

describe('isTestFile', () => {
  it('matches test and spec files and files under test/', () => {
    expect(isTestFile('packages/service/src/app.test.ts')).toBe(true);
    expect(isTestFile('packages/webhook-tests/test/helpers.ts')).toBe(true);
    expect(isTestFile('load/src/scenario.spec.js')).toBe(true);
    expect(isTestFile('packages/service/src/app.ts')).toBe(false);
  });
});
