/**
 * handleSummary output: the raw k6 summary as JSON, a JUnit file (one test case per threshold)
 * that Buildkite's test analytics and annotations read, and a short text verdict on stdout.
 */

export interface SummaryMetric {
  readonly type?: string;
  readonly values?: Readonly<Record<string, number>>;
  readonly thresholds?: Readonly<Record<string, { readonly ok: boolean }>>;
}

export interface SummaryData {
  readonly metrics: Readonly<Record<string, SummaryMetric>>;
  readonly state?: { readonly testRunDurationMs?: number };
}

export interface ThresholdResult {
  readonly metric: string;
  readonly expression: string;
  readonly ok: boolean;
  /** The metric's values, to show what the failing expression was compared with. */
  readonly values: Readonly<Record<string, number>>;
}

export function thresholdResults(data: SummaryData): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [metric, entry] of Object.entries(data.metrics)) {
    for (const [expression, verdict] of Object.entries(entry.thresholds ?? {})) {
      results.push({ metric, expression, ok: verdict.ok, values: entry.values ?? {} });
    }
  }
  return results.sort((a, b) =>
    `${a.metric} ${a.expression}`.localeCompare(`${b.metric} ${b.expression}`),
  );
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function describeValues(values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${Number.isInteger(value) ? value : value.toFixed(3)}`)
    .join(' ');
}

export function junitXml(profile: string, data: SummaryData): string {
  const results = thresholdResults(data);
  const failures = results.filter((result) => !result.ok).length;
  const seconds = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(3);
  const suite = `k6 ${profile}`;
  const cases = results.map((result) => {
    const name = escapeXml(`${result.metric} ${result.expression}`);
    const open = `    <testcase classname="${escapeXml(suite)}" name="${name}" time="0">`;
    if (result.ok) return `${open}</testcase>`;
    const message = escapeXml(`threshold ${result.expression} on ${result.metric} failed`);
    return `${open}\n      <failure message="${message}">${escapeXml(describeValues(result.values))}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="k6" tests="${results.length}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="${escapeXml(suite)}" tests="${results.length}" failures="${failures}" time="${seconds}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function textSummary(profile: string, data: SummaryData): string {
  const lines = thresholdResults(data).map(
    (result) =>
      `  ${result.ok ? 'PASS' : 'FAIL'}  ${result.metric} ${result.expression}  (${describeValues(result.values)})`,
  );
  const failed = thresholdResults(data).some((result) => !result.ok);
  return [`k6 ${profile}: ${failed ? 'FAILED' : 'passed'}`, ...lines, ''].join('\n');
}

function escapeMarkdownCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * The Buildkite annotation's body (Markdown): one row per threshold with the values k6 measured.
 * The heading says what they are: client-side times, network and ingress included.
 */
export function markdownSummary(profile: string, data: SummaryData): string {
  const results = thresholdResults(data);
  const failed = results.some((result) => !result.ok);
  const rows = results.map(
    (result) =>
      `| ${result.ok ? 'pass' : '**FAIL**'} | \`${escapeMarkdownCell(result.metric)}\` | \`${escapeMarkdownCell(result.expression)}\` | ${escapeMarkdownCell(describeValues(result.values))} |`,
  );
  const seconds = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(0);
  return [
    `### k6 ${profile}: ${failed ? 'FAILED' : 'passed'} (${seconds} s)`,
    '',
    'Client-side, as k6 measures: network and ingress included, TLS handshake excluded.',
    '',
    '| result | metric | threshold | measured |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** The files handleSummary writes, keyed by path as k6 expects, plus stdout. */
export function summaryFiles(
  profile: string,
  reportDir: string,
  data: SummaryData,
): Record<string, string> {
  const dir = reportDir.replace(/\/+$/, '');
  return {
    [`${dir}/k6-${profile}-summary.json`]: JSON.stringify(data, null, 2),
    [`${dir}/k6-${profile}-junit.xml`]: junitXml(profile, data),
    [`${dir}/k6-${profile}-summary.md`]: markdownSummary(profile, data),
    stdout: textSummary(profile, data),
  };
}
