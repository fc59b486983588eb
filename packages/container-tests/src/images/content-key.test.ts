/* eslint-disable security/detect-non-literal-fs-filename -- files in a temporary folder the test makes */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentKey, recipeInputs, settingInputs } from './content-key.js';

describe('contentKey', () => {
  const inputs = [
    { name: 'file:Containerfile', content: 'FROM base\n' },
    { name: 'setting:node', content: '24.21.0' },
  ];

  it('is a SHA-256 that does not depend on the order of the inputs', () => {
    const key = contentKey(inputs);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(contentKey([...inputs].reverse())).toBe(key);
  });

  it('changes with any byte of any input, and with a name', () => {
    const key = contentKey(inputs);
    expect(contentKey([inputs[0]!, { name: 'setting:node', content: '24.21.1' }])).not.toBe(key);
    expect(contentKey([inputs[0]!, { name: 'setting:npm', content: '24.21.0' }])).not.toBe(key);
    expect(contentKey([inputs[0]!])).not.toBe(key);
  });

  it('cannot be matched by moving bytes between inputs or between a name and a content', () => {
    expect(
      contentKey([
        { name: 'a', content: 'bc' },
        { name: 'd', content: '' },
      ]),
    ).not.toBe(
      contentKey([
        { name: 'a', content: 'b' },
        { name: 'd', content: 'c' },
      ]),
    );
    expect(contentKey([{ name: 'ab', content: 'c' }])).not.toBe(
      contentKey([{ name: 'a', content: 'bc' }]),
    );
  });

  it('refuses an input named twice, which would make the key ambiguous', () => {
    expect(() => contentKey([...inputs, inputs[1]!])).toThrow(/setting:node twice/);
  });

  it('keys settings apart from files', () => {
    expect(settingInputs({ suite: 'bookworm' })).toEqual([
      { name: 'setting:suite', content: 'bookworm' },
    ]);
  });
});

describe('recipeInputs', () => {
  it('reads every file of a recipe, nested ones included, by its relative path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'recipe-'));
    await mkdir(path.join(dir, 'conf'));
    await writeFile(path.join(dir, 'Containerfile'), 'FROM base\n');
    await writeFile(path.join(dir, 'conf', 'entrypoint.sh'), '#!/bin/sh\n');
    const read = await recipeInputs(dir);
    expect(read.map((input) => [input.name, input.content.toString()]).sort()).toEqual([
      ['file:Containerfile', 'FROM base\n'],
      ['file:conf/entrypoint.sh', '#!/bin/sh\n'],
    ]);

    const before = contentKey(read);
    await writeFile(path.join(dir, 'conf', 'entrypoint.sh'), '#!/bin/bash\n');
    expect(contentKey(await recipeInputs(dir))).not.toBe(before);
  });
});
