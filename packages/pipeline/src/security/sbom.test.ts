/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository or a temporary folder this code made, never user input */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSbom, writeServiceSbom } from './sbom.js';

const directory = mkdtempSync(path.join(tmpdir(), 'sbom-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('the service SBOM', () => {
  it('is CycloneDX and lists the production dependencies', () => {
    const summary = writeServiceSbom(path.join(directory, 'sbom.cdx.json'));
    expect(summary.specVersion).toMatch(/^1\.\d$/);
    expect(summary.components).toBeGreaterThan(20);
  });

  it('refuses a document that is not CycloneDX or lists nothing', () => {
    const spdx = path.join(directory, 'spdx.json');
    writeFileSync(spdx, JSON.stringify({ spdxVersion: 'SPDX-2.3' }));
    expect(() => readSbom(spdx)).toThrow(/not a CycloneDX document/);
    const empty = path.join(directory, 'empty.json');
    writeFileSync(
      empty,
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.7', components: [] }),
    );
    expect(() => readSbom(empty)).toThrow(/lists no components/);
  });
});
