import { describe, expect, it } from 'vitest';
import { buildContexts } from './build-context.js';
import { branchMatches, evaluateCondition } from './conditionals.js';

const main = buildContexts['push to main'];
const nightly = buildContexts['scheduled build'];
const tag = buildContexts['version tag'];

describe('evaluateCondition', () => {
  it('compares build variables with strings and null', () => {
    expect(evaluateCondition('build.source == "schedule"', nightly)).toBe(true);
    expect(evaluateCondition('build.source == "schedule"', main)).toBe(false);
    expect(evaluateCondition('build.source != "schedule" && build.tag == null', main)).toBe(true);
    expect(evaluateCondition('build.source != "schedule" && build.tag == null', tag)).toBe(false);
    expect(evaluateCondition('build.tag != null', tag)).toBe(true);
  });

  it('honours precedence, negation, parentheses and regular expressions', () => {
    expect(
      evaluateCondition('build.branch == "x" || build.branch == "main" && build.tag == null', main),
    ).toBe(true);
    expect(evaluateCondition('!(build.branch == "main")', main)).toBe(false);
    expect(evaluateCondition('build.tag =~ /^v[0-9]+\\.[0-9]+\\.[0-9]+$/', tag)).toBe(true);
    expect(evaluateCondition('build.branch !~ /^release\\//', main)).toBe(true);
  });

  it('refuses what it cannot evaluate instead of guessing', () => {
    expect(() => evaluateCondition('build.pull_request.id != null', main)).toThrow(
      /build.pull_request.id is not a variable known here/,
    );
    expect(() => evaluateCondition('build.source == "schedule" &&', main)).toThrow(
      /ends too early/,
    );
    expect(() => evaluateCondition('(build.source == "api"', main)).toThrow(/not closed/);
    expect(() => evaluateCondition('build.source == "a" "b"', main)).toThrow(/left over/);
  });
});

describe('branchMatches', () => {
  it('matches exact names, * wildcards and ! exclusions', () => {
    expect(branchMatches('main', 'main')).toBe(true);
    expect(branchMatches('main', 'main-hotfix')).toBe(false);
    expect(branchMatches('main release/*', 'release/2026-12')).toBe(true);
    expect(branchMatches('feature/*', 'feature/a/b')).toBe(true);
    expect(branchMatches('!main', 'feature/x')).toBe(true);
    expect(branchMatches('!main', 'main')).toBe(false);
    expect(branchMatches('release/* !release/old', 'release/old')).toBe(false);
    expect(branchMatches('v*.*', 'v1.2')).toBe(true);
    expect(branchMatches('a.b', 'axb')).toBe(false);
  });
});
