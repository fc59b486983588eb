import { describe, expect, it } from 'vitest';
import { latencyChartSvg } from './latency-chart.js';

describe('latencyChartSvg', () => {
  const svg = latencyChartSvg(
    'Ack latency',
    'Machine <1> & co',
    [
      {
        label: 'service',
        colour: '#1f77b4',
        points: [
          { p: 0, value: 1 },
          { p: 50, value: 4 },
          { p: 99.9, value: 40 },
        ],
      },
      { label: 'empty', colour: '#ff7f0e', points: [] },
    ],
    [{ label: 'p99 target 25 ms', p: 99, value: 25 }],
  );

  it('draws one line per series with points and a marker per target', () => {
    expect(svg.match(/fill="none" stroke="#1f77b4"/g)).toHaveLength(1);
    expect(svg).not.toContain('stroke="#ff7f0e"');
    expect(svg).toContain('p99 target 25 ms');
    expect(svg.match(/^<path d="M [\d.]+ [\d.]+ L [\d.]+ [\d.]+ M/gm)).toHaveLength(1);
  });

  it('escapes text and scales the y axis to a round number above the highest value', () => {
    expect(svg).toContain('Machine &lt;1&gt; &amp; co');
    expect(svg).toContain('>50</text>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
});
