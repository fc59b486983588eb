/* eslint-disable security/detect-non-literal-fs-filename -- reads this package's own source files */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The platform (http/, database/, observability/, security/) serves every feature and imports
// none: a relative import from a platform file must stay inside platform/.
const PLATFORM = fileURLToPath(new URL('.', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    // Tests may use the service's own configuration to drive the platform; the code may not.
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The relative imports of one file that leave `root`. */
function importsLeaving(file: string, source: string, root: string): string[] {
  const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)];
  return specifiers
    .map((match) => match[1] ?? '')
    .filter((specifier) => relative(root, resolve(dirname(file), specifier)).startsWith('..'));
}

describe('the platform knows no feature', () => {
  it('no platform file imports from outside platform/', () => {
    const files = sourceFiles(PLATFORM);
    expect(files.length).toBeGreaterThan(20);
    const leaving = files.flatMap((file) =>
      importsLeaving(file, readFileSync(file, 'utf8'), PLATFORM).map(
        (specifier) => `${relative(PLATFORM, file)} imports ${specifier}`,
      ),
    );
    expect(leaving).toEqual([]);
  });

  it.each([
    [
      "import { x } from '../../alerts/authentication/index.js';",
      ['../../alerts/authentication/index.js'],
    ],
    ["export { y } from '../../config.js';", ['../../config.js']],
    ["import { z } from '../database/json-rows.js';", []],
    ["import { w } from './read-request-body.js';", []],
    ["import pino from 'pino';", []],
  ])('reads %s', (source, expected) => {
    expect(importsLeaving(join(PLATFORM, 'http', 'file.ts'), source, PLATFORM)).toEqual(expected);
  });
});
