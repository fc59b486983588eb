/* eslint-disable security/detect-non-literal-fs-filename -- the fixture beside this file */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeFinding,
  judgeImageScan,
  parseTrivyReport,
  type TrivyReport,
} from './image-scan.js';

// Trivy's own recorded output for its alpine 3.9 test image (fixtures/trivy/SOURCE.md).
const recorded = readFileSync(
  new URL('./fixtures/trivy/alpine-39-high-critical.json', import.meta.url),
  'utf8',
);

/** The recorded report with every finding changed by `change`. */
function variant(
  change: (finding: Record<string, unknown>) => Record<string, unknown>,
): TrivyReport {
  const report = JSON.parse(recorded) as {
    Results: { Vulnerabilities: Record<string, unknown>[] }[];
  };
  for (const result of report.Results) result.Vulnerabilities = result.Vulnerabilities.map(change);
  return parseTrivyReport(JSON.stringify(report));
}

describe('judgeImageScan', () => {
  it('fails the recorded report: musl has a critical vulnerability with a fix', () => {
    const verdict = judgeImageScan(parseTrivyReport(recorded));
    expect(verdict.failing.map(describeFinding)).toEqual([
      'CRITICAL CVE-2019-14697 musl 1.1.20-r4 (fixed in 1.1.20-r5) in testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)',
      'CRITICAL CVE-2019-14697 musl-utils 1.1.20-r4 (fixed in 1.1.20-r5) in testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)',
    ]);
  });

  it('lists, without failing, a critical vulnerability that has no fix yet, or a lower severity', () => {
    const unfixed = judgeImageScan(variant(({ FixedVersion: _fixed, ...rest }) => rest));
    expect(unfixed.failing).toEqual([]);
    expect(unfixed.others.map(describeFinding)[0]).toContain('(no fix yet)');
    const high = judgeImageScan(variant((finding) => ({ ...finding, Severity: 'HIGH' })));
    expect(high.failing).toEqual([]);
    expect(high.others).toHaveLength(2);
  });

  it('refuses what is not a Trivy report instead of passing it', () => {
    expect(() => parseTrivyReport('[]')).toThrow(/not a Trivy JSON report/);
    expect(() => parseTrivyReport('{"SchemaVersion": 1, "Results": []}')).toThrow(
      /not a Trivy JSON report/,
    );
    expect(judgeImageScan(parseTrivyReport('{"SchemaVersion": 2, "Results": []}'))).toEqual({
      failing: [],
      others: [],
    });
  });
});
