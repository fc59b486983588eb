/* eslint-disable security/detect-non-literal-fs-filename -- reads the repository's own Dockerfile */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseImageSource, dockerfileNodeImage, localImageNames } from './image-names.js';

const repositoryDockerfile = readFileSync(
  new URL('../../../../Dockerfile', import.meta.url),
  'utf8',
);

describe('image names', () => {
  it("reads the Node version and Debian release of the Dockerfile's default base", () => {
    const node = dockerfileNodeImage(repositoryDockerfile);
    expect(node.image).toBe(`node:${node.nodeVersion}-${node.release}-slim`);
    expect(node.nodeVersion).toMatch(/^24\.\d+\.\d+$/);
    expect(localImageNames.node(node)).toBe(
      `localhost/mastercom/node:${node.nodeVersion}-${node.release}-slim`,
    );
  });

  it('refuses a default base it could not stand in for', () => {
    expect(() => dockerfileNodeImage('ARG NODE_IMAGE=node:lts\nFROM ${NODE_IMAGE}\n')).toThrow(
      /not of the form node:<x\.y\.z>-<release>-slim \(found node:lts\)/,
    );
    expect(() => dockerfileNodeImage('FROM node:24\n')).toThrow(/found none/);
  });

  it('tags the local PostgreSQL with major.minor', () => {
    expect(localImageNames.postgres('17.10.0-beta.17')).toBe('localhost/mastercom/postgres:17.10');
  });

  it('builds images locally only where the stage had to provide the runtime, unless told', () => {
    expect(chooseImageSource({}, true)).toBe('local');
    expect(chooseImageSource({}, false)).toBe('official');
    expect(chooseImageSource({ CONTAINER_IMAGES: 'local' }, false)).toBe('local');
    expect(chooseImageSource({ CONTAINER_IMAGES: 'official' }, true)).toBe('official');
    expect(() => chooseImageSource({ CONTAINER_IMAGES: 'mine' }, true)).toThrow(
      /local or official/,
    );
  });
});
