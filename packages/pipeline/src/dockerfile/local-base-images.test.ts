/* eslint-disable security/detect-non-literal-fs-filename -- paths come from git's listing of this repository */
// The recipes of the images the container stage builds where no registry answers
// (packages/container-tests/images): they stand in for official images, so they must never need
// a registry themselves, and the Node one must give the Dockerfile what its release stage expects.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listRepositoryFiles, repoPath } from '../repository.js';
import { parseDockerfile } from './parse-dockerfile.js';

const recipes = listRepositoryFiles().filter((file) => file.endsWith('/Containerfile'));
const read = (file: string) => readFileSync(repoPath(file), 'utf8');

describe('the local base image recipes', () => {
  it('exist for PostgreSQL and Node', () => {
    expect(recipes).toEqual([
      'packages/container-tests/images/node/Containerfile',
      'packages/container-tests/images/postgres/Containerfile',
    ]);
  });

  it('start only from the base the stage builds and passes in, never from a registry image', () => {
    const froms = recipes.flatMap((file) => {
      const parsed = parseDockerfile(read(file));
      const baseArg = parsed.globalArgs.has('BASE_IMAGE') ? 'BASE_IMAGE' : 'none';
      return parsed.stages.map((stage) => `${file}: ${stage.from} (global ARG ${baseArg})`);
    });
    expect(froms).toEqual(recipes.map((file) => `${file}: \${BASE_IMAGE} (global ARG BASE_IMAGE)`));
    for (const file of recipes) {
      // No default: a forgotten --build-arg must fail the build, not fall back to a pull.
      expect(parseDockerfile(read(file)).globalArgs.get('BASE_IMAGE')).toBeUndefined();
    }
  });

  it("gives the Dockerfile's release stage the user it runs as", () => {
    const dockerfile = parseDockerfile(read('Dockerfile'));
    const user = dockerfile.stages
      .at(-1)
      ?.instructions.filter((instruction) => instruction.keyword === 'USER')
      .at(-1)?.args;
    expect(user).toBe('1000:1000');
    const nodeRecipe = read('packages/container-tests/images/node/Containerfile');
    expect(nodeRecipe).toMatch(/useradd --uid 1000 --gid node\b/);
    expect(nodeRecipe).toMatch(/groupadd --gid 1000 node\b/);
  });
});
