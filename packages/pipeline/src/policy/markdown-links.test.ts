import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRepositoryFiles, repoRoot } from '../repository.js';
import { findBrokenLinks, headingAnchors } from './markdown-links.js';

const check = (files: Record<string, string>) =>
  findBrokenLinks(Object.keys(files), (file) => files[file] ?? '').map(
    ({ file, line, target }) => `${file}:${line} ${target}`,
  );

describe('findBrokenLinks', () => {
  it('accepts files, folders and headings that exist, and skips other hosts', () => {
    expect(
      check({
        'README.md': [
          '# Top',
          '[a](docs/guide.md) [b](docs/) [c](./docs/guide.md#run-it) [d](#top)',
          '[e](https://example.com/missing) [f](mailto:x@example.com) ![g](docs/logo.png)',
          '[h]: packages/service/CONFIGURATION.md',
        ].join('\n'),
        'docs/guide.md': '# Guide\n\n## Run `it`\n\n[back](../README.md#top)',
        'docs/logo.png': '',
        'packages/service/CONFIGURATION.md': '# Configuration',
      }),
    ).toEqual([]);
  });

  it('reports a missing file, a missing heading and a link that climbs out', () => {
    expect(
      check({
        'README.md': '# Top\n\n[a](docs/old.md)\n[b](docs/guide.md#gone)\n[c](#nowhere)',
        'docs/guide.md': '# Guide\n\n[d](../../outside.md)',
      }),
    ).toEqual([
      'README.md:3 docs/old.md',
      'README.md:4 docs/guide.md#gone',
      'README.md:5 #nowhere',
      'docs/guide.md:3 ../../outside.md',
    ]);
  });

  it('ignores link syntax inside code', () => {
    expect(check({ 'a.md': '`[x](missing.md)`\n\n```\n[y](missing.md)\n```' })).toEqual([]);
  });
});

describe('headingAnchors', () => {
  it('names headings as GitHub does, numbering repeats', () => {
    expect([
      ...headingAnchors('# Card data: no full card number, from any door\n# A\n# A'),
    ]).toEqual(['card-data-no-full-card-number-from-any-door', 'a', 'a-1']);
  });
});

describe("the repository's Markdown", () => {
  it('has no broken relative link', () => {
    const files = listRepositoryFiles();
    const broken = findBrokenLinks(files, (file) =>
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- a path git listed
      readFileSync(path.join(repoRoot, file), 'utf8'),
    );
    expect(
      broken.map((link) => `${link.file}:${link.line} ${link.target}: ${link.reason}`),
    ).toEqual([]);
  });
});
