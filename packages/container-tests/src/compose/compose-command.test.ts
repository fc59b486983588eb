/* eslint-disable security/detect-non-literal-fs-filename -- reads the repository's own Compose file */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeFileForLegacy } from './compose-command.js';

const repositoryCompose = readFileSync(
  new URL('../../../../docker-compose.yml', import.meta.url),
  'utf8',
);

describe('composeFileForLegacy', () => {
  it('drops only the top-level name of the repository Compose file', () => {
    const original = parse(repositoryCompose) as Record<string, unknown>;
    const legacy = parse(composeFileForLegacy(repositoryCompose)) as Record<string, unknown>;
    expect(original.name).toBe('mastercom-service');
    expect(legacy).not.toHaveProperty('name');
    expect(legacy).toEqual({ ...original, name: undefined });
  });

  it('keeps the header comment of the repository Compose file', () => {
    const header = repositoryCompose.slice(0, repositoryCompose.indexOf('\nname:'));
    expect(header).toMatch(/^# Development environment/);
    expect(composeFileForLegacy(repositoryCompose).startsWith(header)).toBe(true);
  });

  it('keeps comments and the text of everything else', () => {
    const text = '# the environment\nname: demo\nservices:\n  app:\n    image: x:1 # pinned\n';
    expect(composeFileForLegacy(text)).toBe(
      '# the environment\nservices:\n  app:\n    image: x:1 # pinned\n',
    );
  });

  it('leaves a file without a name as it is', () => {
    const text = 'services:\n  app:\n    image: x:1\n';
    expect(composeFileForLegacy(text)).toBe(text);
  });
});
