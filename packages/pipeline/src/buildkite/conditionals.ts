// Buildkite's step conditionals (`if:`), for the subset of the language this pipeline uses: the
// variables build.source, build.branch and build.tag, string and null literals, regular
// expression literals, ==, !=, =~, !~, !, &&, || and parentheses.
// Source: https://buildkite.com/docs/pipelines/configure/conditionals ("Conditionals in steps",
// "Variable and syntax reference"). Anything outside that subset is an error, never a guess: a
// local run must not decide differently from Buildkite without saying so.
import type { BuildContext } from './build-context.js';

type Value = string | boolean | null | RegExp;

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'regex'; value: RegExp }
  | { kind: 'word'; value: string }
  | { kind: 'operator'; value: string };

const operators = ['==', '!=', '=~', '!~', '&&', '||', '!', '(', ')'];

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < expression.length) {
    const rest = expression.slice(index);
    const space = /^\s+/.exec(rest);
    if (space) {
      index += space[0].length;
      continue;
    }
    const text = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (text) {
      tokens.push({ kind: 'string', value: (text[1] ?? '').replace(/\\(.)/g, '$1') });
      index += text[0].length;
      continue;
    }
    const previous = tokens.at(-1);
    const regex = /^\/((?:[^/\\]|\\.)+)\//.exec(rest);
    if (regex && previous?.kind === 'operator' && ['=~', '!~'].includes(previous.value)) {
      // eslint-disable-next-line security/detect-non-literal-regexp -- the pattern is the pipeline's own
      tokens.push({ kind: 'regex', value: new RegExp(regex[1] ?? '') });
      index += regex[0].length;
      continue;
    }
    const operator = operators.find((candidate) => rest.startsWith(candidate));
    if (operator) {
      tokens.push({ kind: 'operator', value: operator });
      index += operator.length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (word) {
      tokens.push({ kind: 'word', value: word[0] });
      index += word[0].length;
      continue;
    }
    throw new Error(`cannot read the condition ${expression} at "${rest}"`);
  }
  return tokens;
}

/** Evaluates one `if:` expression for a build, as Buildkite does when the pipeline is uploaded. */
export function evaluateCondition(expression: string, build: BuildContext): boolean {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const fail = (why: string): never => {
    throw new Error(`cannot evaluate the condition ${expression}: ${why}`);
  };
  const take = (operator: string) => {
    const token = peek();
    if (token?.kind === 'operator' && token.value === operator) {
      position += 1;
      return true;
    }
    return false;
  };

  const variables: Record<string, Value> = {
    'build.source': build.source,
    'build.branch': build.branch,
    'build.tag': build.tag,
    null: null,
    true: true,
    false: false,
  };

  const primary = (): Value => {
    const item = tokens[position++];
    if (item === undefined) return fail('it ends too early');
    if (item.kind === 'operator' && item.value === '(') {
      const inner = or();
      if (!take(')')) fail('a parenthesis is not closed');
      return inner;
    }
    if (item.kind === 'string' || item.kind === 'regex') return item.value;
    if (item.kind === 'word') {
      if (!Object.hasOwn(variables, item.value)) fail(`${item.value} is not a variable known here`);
      return variables[item.value] ?? null;
    }
    return fail(`unexpected ${item.value}`);
  };

  const comparison = (): Value => {
    const left = primary();
    const token = peek();
    if (token?.kind !== 'operator' || !['==', '!=', '=~', '!~'].includes(token.value)) return left;
    position += 1;
    const right = primary();
    if (token.value === '==') return left === right;
    if (token.value === '!=') return left !== right;
    if (!(right instanceof RegExp)) return fail(`${token.value} needs a regular expression`);
    const matches = typeof left === 'string' && right.test(left);
    return token.value === '=~' ? matches : !matches;
  };

  const truthy = (value: Value) => value !== null && value !== false && value !== '';

  const unary = (): Value => (take('!') ? !truthy(unary()) : comparison());

  const and = (): Value => {
    let value = truthy(unary());
    while (take('&&')) value = truthy(unary()) && value;
    return value;
  };

  const or = (): Value => {
    let value = truthy(and());
    while (take('||')) value = truthy(and()) || value;
    return value;
  };

  const result = or();
  if (position !== tokens.length) fail('text is left over after the expression');
  return truthy(result);
}

/**
 * Step-level branch filtering: a space-separated list of patterns where `*` matches any run of
 * characters and a leading `!` excludes. A step is added to a build when its branch matches a
 * positive pattern (or there are only negative ones) and no negative pattern.
 * Source: https://buildkite.com/docs/pipelines/configure/workflows/branch-configuration
 * ("Step-level branch filtering", "Branch pattern examples").
 */
export function branchMatches(patterns: string, branch: string): boolean {
  const list = patterns.split(/\s+/).filter((pattern) => pattern !== '');
  const matches = (pattern: string) => {
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    // eslint-disable-next-line security/detect-non-literal-regexp -- built from the escaped pattern
    return new RegExp(`^${source}$`).test(branch);
  };
  const positive = list.filter((pattern) => !pattern.startsWith('!'));
  const negative = list.filter((pattern) => pattern.startsWith('!')).map((p) => p.slice(1));
  if (negative.some(matches)) return false;
  return positive.length === 0 || positive.some(matches);
}
