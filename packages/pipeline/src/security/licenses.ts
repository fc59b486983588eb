// Licence allow-list for what ships: the service's production dependency tree. A dependency whose
// licence expression the list does not satisfy fails the check with its name, version and licence.
import { execFileSync } from 'node:child_process';
import satisfies from 'spdx-satisfies';
import { repoRoot } from '../repository.js';

/** Permissive licences that put no obligation on the service beyond keeping notices. */
export const allowedLicenses = [
  '0BSD',
  'Apache-2.0',
  'BlueOak-1.0.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'CC-BY-4.0',
  'CC0-1.0',
  'ISC',
  'MIT',
  'MIT-0',
  'Python-2.0',
  'Unlicense',
] as const;

/** One entry of `pnpm licenses list --json`, which groups packages by licence string. */
export interface LicensedPackage {
  readonly name: string;
  readonly versions: readonly string[];
  readonly license: string;
}

export type LicenseReport = Readonly<Record<string, readonly LicensedPackage[]>>;

export interface LicenseViolation {
  readonly name: string;
  readonly versions: readonly string[];
  readonly license: string;
  readonly reason: string;
}

export function findLicenseViolations(
  report: LicenseReport,
  allowed: readonly string[] = allowedLicenses,
): LicenseViolation[] {
  const violations: LicenseViolation[] = [];
  for (const [license, packages] of Object.entries(report)) {
    let verdict: string | undefined;
    try {
      // npm's old `(A OR B)` spelling and a bare identifier are both valid SPDX expressions.
      verdict = satisfies(license, allowed) ? undefined : 'not on the allow-list';
    } catch {
      verdict = 'not a valid SPDX expression';
    }
    if (verdict === undefined) continue;
    for (const pkg of packages) {
      violations.push({ name: pkg.name, versions: pkg.versions, license, reason: verdict });
    }
  }
  return violations.sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs pnpm's licence listing for one workspace package's production dependencies. */
export function listProductionLicenses(workspacePackage: string): LicenseReport {
  const output = execFileSync(
    'pnpm',
    ['--filter', workspacePackage, 'licenses', 'list', '--prod', '--json'],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(output) as LicenseReport;
}

export function countPackages(report: LicenseReport): number {
  return Object.values(report).reduce((sum, packages) => sum + packages.length, 0);
}
