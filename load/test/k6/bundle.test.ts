// The bundle k6 runs: built exactly as `pnpm build` builds it, in memory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACK_LATENCY_MS } from '@mastercom/contracts/slo';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  externalImports,
  importsK6CannotResolve,
  isNodeBuiltin,
} from '../../src/bundle/bundle-imports.js';
import { k6BuildOptions } from '../../src/bundle/k6-build-options.js';

let text = '';
let imports: string[] = [];
let leftovers: string[] = [];
let scratch = '';

beforeAll(async () => {
  const result = await build({ ...k6BuildOptions(), write: false, metafile: true });
  text = result.outputFiles[0]?.text ?? '';
  imports = externalImports(result.metafile);
  leftovers = importsK6CannotResolve(result.metafile);
  scratch = await mkdtemp(join(tmpdir(), 'k6-bundle-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the k6 bundle', () => {
  it('leaves only k6 modules for k6 to resolve: no Node built-in, no package', () => {
    expect(imports).toEqual([
      'k6',
      'k6/crypto',
      'k6/encoding',
      'k6/execution',
      'k6/http',
      'k6/metrics',
    ]);
    expect(leftovers).toEqual([]);
    expect(text).not.toMatch(/from\s*["'](?:node:|@mastercom)/);
    expect(text).not.toMatch(/require\(["'](?!k6)/);
  });

  it('inlines the fixtures and the SLO values and exports what k6 calls', () => {
    expect(text).toContain('function createAlert(');
    expect(text).toContain(`p99: ${ACK_LATENCY_MS.p99}`);
    const exported = (/export \{([^}]*)\}/.exec(text)?.[1] ?? '')
      .split(',')
      .map((name) => name.trim());
    expect(exported).toEqual(
      expect.arrayContaining([
        'options',
        'setup',
        'webhook',
        'reads',
        'health',
        'smoke',
        'handleSummary',
      ]),
    );
  });

  it('stays small enough for thousands of VUs, because unused schemas are dropped', () => {
    expect(text.length).toBeLessThan(120_000);
    expect(text).not.toContain('ZodType');
  });

  it('fails to build when the k6 code imports a Node built-in', async () => {
    const entry = join(scratch, 'bad.ts');
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the test's own scratch directory
    await writeFile(
      entry,
      "import { createHmac } from 'node:crypto';\nexport const h = createHmac;\n",
    );
    await expect(
      build({ ...k6BuildOptions(), entryPoints: [entry], write: false, logLevel: 'silent' }),
    ).rejects.toThrow(/node:crypto/);
  });

  it('flags a Node built-in even when something marks it external', async () => {
    const entry = join(scratch, 'external.ts');
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- the test's own scratch directory
    await writeFile(entry, "import { readFileSync } from 'fs';\nexport const r = readFileSync;\n");
    const result = await build({
      ...k6BuildOptions(),
      entryPoints: [entry],
      external: ['k6', 'k6/*', 'fs'],
      write: false,
      metafile: true,
    });
    expect(importsK6CannotResolve(result.metafile)).toEqual(['fs']);
    expect(['node:fs', 'fs/promises', 'crypto'].every(isNodeBuiltin)).toBe(true);
    expect(isNodeBuiltin('k6/http')).toBe(false);
  });
});
