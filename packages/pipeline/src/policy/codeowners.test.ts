/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository or a temporary folder this code made, never user input */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listRepositoryFiles, repoPath } from '../repository.js';
import { checkOwnership, parseCodeowners } from './codeowners.js';

const files = [
  'README.md',
  'packages/service/src/app.ts',
  'packages/pipeline/package.json',
  'docs/a.md',
];

describe('checkOwnership', () => {
  it('lets the last matching rule decide', () => {
    const report = checkOwnership('* @org/all\n/packages/service/ @org/service\n/docs/\n', files);
    // /docs/ has no owners: it un-assigns its files.
    expect(report.unowned).toEqual(['docs/a.md']);
    expect(report.stale).toEqual([]);
  });

  it('reports files no rule matches and rules that match nothing', () => {
    const report = checkOwnership('/packages/ @org/packages\n/load/ @org/load\n', files);
    expect(report.unowned).toEqual(['README.md', 'docs/a.md']);
    expect(report.stale.map((rule) => rule.pattern)).toEqual(['/load/']);
  });

  it('rejects malformed owners and negation', () => {
    expect(parseCodeowners('* not-an-owner\n!/x @org/a\n').errors).toEqual([
      'line 1: not-an-owner is not a @user, @org/team or e-mail address',
      'line 2: CODEOWNERS does not support negation (!/x)',
    ]);
    expect(parseCodeowners('* @user @org/team dev@example.com\n').errors).toEqual([]);
  });
});

describe('the repository CODEOWNERS', () => {
  it('gives every file an owner and has no stale rule', () => {
    const report = checkOwnership(
      readFileSync(repoPath('CODEOWNERS'), 'utf8'),
      listRepositoryFiles(),
    );
    expect(report).toEqual({ unowned: [], stale: [], errors: [] });
  });
});
