import { describe, expect, it } from 'vitest';
import { findLicenseViolations, listProductionLicenses, type LicenseReport } from './licenses.js';

function report(entries: Record<string, string[]>): LicenseReport {
  return Object.fromEntries(
    Object.entries(entries).map(([license, names]) => [
      license,
      names.map((name) => ({ name, versions: ['1.0.0'], license })),
    ]),
  );
}

describe('findLicenseViolations', () => {
  it('accepts allowed identifiers and OR expressions with an allowed side', () => {
    expect(
      findLicenseViolations(
        report({
          MIT: ['a'],
          'Apache-2.0': ['b'],
          '(BSD-3-Clause OR GPL-2.0)': ['c'],
          '(MIT OR CC0-1.0)': ['d'],
          'BlueOak-1.0.0': ['e'],
        }),
      ),
    ).toEqual([]);
  });

  it('names each package whose licence is not allowed or not SPDX', () => {
    expect(
      findLicenseViolations(
        report({
          MIT: ['fine'],
          'GPL-3.0-only': ['copyleft'],
          'MIT AND GPL-2.0-only': ['mixed'],
          UNKNOWN: ['mystery'],
        }),
      ),
    ).toEqual([
      {
        name: 'copyleft',
        versions: ['1.0.0'],
        license: 'GPL-3.0-only',
        reason: 'not on the allow-list',
      },
      {
        name: 'mixed',
        versions: ['1.0.0'],
        license: 'MIT AND GPL-2.0-only',
        reason: 'not on the allow-list',
      },
      {
        name: 'mystery',
        versions: ['1.0.0'],
        license: 'UNKNOWN',
        reason: 'not a valid SPDX expression',
      },
    ]);
  });
});

describe("the service's production dependencies", () => {
  it('are listed by pnpm and all allowed', () => {
    const licenses = listProductionLicenses('@mastercom/service');
    const names = Object.values(licenses).flatMap((packages) => packages.map((pkg) => pkg.name));
    expect(names).toContain('express');
    // Development tools never reach the list: it is what ships.
    expect(names).not.toContain('vitest');
    expect(findLicenseViolations(licenses)).toEqual([]);
  });
});
