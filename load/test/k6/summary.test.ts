import { describe, expect, it } from 'vitest';
import {
  junitXml,
  markdownSummary,
  summaryFiles,
  textSummary,
  thresholdResults,
} from '../../src/k6/summary.js';

const data = {
  state: { testRunDurationMs: 61_500 },
  metrics: {
    'http_req_duration{endpoint:webhook}': {
      type: 'trend',
      values: { 'p(95)': 8.2, 'p(99)': 31.4 },
      thresholds: { 'p(95)<=10': { ok: true }, 'p(99)<=25': { ok: false } },
    },
    http_req_failed: {
      type: 'rate',
      values: { rate: 0 },
      thresholds: { 'rate<=0.001': { ok: true } },
    },
    iterations: { type: 'counter', values: { count: 600 } },
  },
};

describe('the k6 summary', () => {
  it('lists one result per threshold and none for metrics without thresholds', () => {
    expect(
      thresholdResults(data).map((result) => [result.metric, result.expression, result.ok]),
    ).toEqual([
      ['http_req_duration{endpoint:webhook}', 'p(95)<=10', true],
      ['http_req_duration{endpoint:webhook}', 'p(99)<=25', false],
      ['http_req_failed', 'rate<=0.001', true],
    ]);
  });

  it('writes JUnit with a failure carrying the measured values, escaped for XML', () => {
    const xml = junitXml('load', data);
    expect(xml).toContain('<testsuites name="k6" tests="3" failures="1" time="61.500">');
    expect(xml).toContain('name="http_req_duration{endpoint:webhook} p(99)&lt;=25"');
    expect(xml).toContain(
      '<failure message="threshold p(99)&lt;=25 on http_req_duration{endpoint:webhook} failed">p(95)=8.200 p(99)=31.400</failure>',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.match(/<failure /g)).toHaveLength(1);
  });

  it('says FAILED on stdout when any threshold failed, and writes the raw summary as JSON', () => {
    expect(textSummary('load', data)).toMatch(/^k6 load: FAILED\n {2}PASS {2}http_req_duration/);
    const files = summaryFiles('load', 'reports/', data);
    expect(JSON.parse(files['reports/k6-load-summary.json'] ?? '')).toEqual(data);
    expect(files['reports/k6-load-junit.xml']).toBe(junitXml('load', data));
  });

  it('writes the annotation as a Markdown table that says the times are client-side', () => {
    const markdown = markdownSummary('load', data);
    expect(markdown.split('\n')).toEqual([
      '### k6 load: FAILED (62 s)',
      '',
      'Client-side, as k6 measures: network and ingress included, TLS handshake excluded.',
      '',
      '| result | metric | threshold | measured |',
      '| --- | --- | --- | --- |',
      '| pass | `http_req_duration{endpoint:webhook}` | `p(95)<=10` | p(95)=8.200 p(99)=31.400 |',
      '| **FAIL** | `http_req_duration{endpoint:webhook}` | `p(99)<=25` | p(95)=8.200 p(99)=31.400 |',
      '| pass | `http_req_failed` | `rate<=0.001` | rate=0 |',
      '',
    ]);
    expect(summaryFiles('load', 'reports', data)['reports/k6-load-summary.md']).toBe(markdown);
  });
});
