// The image scan's verdict from Trivy's JSON report (`trivy image --format json`): the build fails
// on a CRITICAL vulnerability that has a fix (FixedVersion), the case a rebuild on an updated base
// image or package removes. Unfixed and lower-severity findings are listed, not failed on. Trivy's
// report format: https://trivy.dev/latest/docs/configuration/reporting/#json (SchemaVersion 2).

export interface TrivyVulnerability {
  readonly VulnerabilityID: string;
  readonly PkgName: string;
  readonly InstalledVersion: string;
  readonly FixedVersion?: string;
  readonly Severity: string;
}

export interface TrivyReport {
  readonly SchemaVersion?: number;
  readonly ArtifactName?: string;
  readonly Results?: readonly {
    readonly Target: string;
    readonly Vulnerabilities?: readonly TrivyVulnerability[] | null;
  }[];
}

export interface Finding extends TrivyVulnerability {
  readonly target: string;
}

export interface ScanVerdict {
  readonly failing: readonly Finding[];
  readonly others: readonly Finding[];
}

/** Reads a report; anything that is not Trivy's SchemaVersion 2 JSON is an error, never a pass. */
export function parseTrivyReport(text: string): TrivyReport {
  const parsed = JSON.parse(text) as unknown;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    (parsed as TrivyReport).SchemaVersion !== 2 ||
    !Array.isArray((parsed as TrivyReport).Results)
  ) {
    throw new Error('not a Trivy JSON report with SchemaVersion 2 and Results');
  }
  return parsed;
}

export function judgeImageScan(report: TrivyReport): ScanVerdict {
  const findings = (report.Results ?? []).flatMap((result) =>
    (result.Vulnerabilities ?? []).map((vulnerability) => ({
      ...vulnerability,
      target: result.Target,
    })),
  );
  const fixableCritical = (finding: Finding) =>
    finding.Severity === 'CRITICAL' && (finding.FixedVersion ?? '') !== '';
  return {
    failing: findings.filter(fixableCritical),
    others: findings.filter((finding) => !fixableCritical(finding)),
  };
}

export function describeFinding(finding: Finding): string {
  const fix = finding.FixedVersion ? `fixed in ${finding.FixedVersion}` : 'no fix yet';
  return `${finding.Severity} ${finding.VulnerabilityID} ${finding.PkgName} ${finding.InstalledVersion} (${fix}) in ${finding.target}`;
}
