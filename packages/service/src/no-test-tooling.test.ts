/* eslint-disable security/detect-non-literal-fs-filename -- reads this package's own source files */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Product code never imports test tooling: nothing under src/ (its unit tests included) imports
// the workspace's test kit or service harness. Tests that need them live in test/.
const SRC = fileURLToPath(new URL('.', import.meta.url));
const TOOLING = ['@mastercom/testkit', '@mastercom/service-harness'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function toolingImports(source: string): string[] {
  return [...source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)]
    .map((match) => match[1] ?? '')
    .filter((name) => TOOLING.some((tool) => name === tool || name.startsWith(`${tool}/`)));
}

describe('product code and test tooling', () => {
  it('nothing under src/ imports test tooling', () => {
    const found = sourceFiles(SRC)
      .filter((file) => !file.endsWith('no-test-tooling.test.ts'))
      .flatMap((file) =>
        toolingImports(readFileSync(file, 'utf8')).map((name) => `${relative(SRC, file)}: ${name}`),
      );
    expect(found).toEqual([]);
  });

  it.each([
    ["import { createTestPki } from '@mastercom/testkit';", ['@mastercom/testkit']],
    [
      "import { signStandardWebhook } from '@mastercom/testkit/signing';",
      ['@mastercom/testkit/signing'],
    ],
    [
      "import { ServiceProcess } from '@mastercom/service-harness';",
      ['@mastercom/service-harness'],
    ],
    ["import { z } from 'zod';", []],
    ["import { x } from '@mastercom/testkitten';", []],
  ])('reads %s', (source, expected) => {
    expect(toolingImports(source)).toEqual(expected);
  });
});
