/**
 * A latency-by-percentile chart as a standalone SVG, drawn by hand: x is the percentile on the
 * usual log scale of 1 / (1 − p), so the tail gets the room it deserves; y is milliseconds.
 */
export interface ChartSeries {
  readonly label: string;
  readonly colour: string;
  readonly points: readonly { p: number; value: number }[];
}

export interface ChartMarker {
  readonly label: string;
  readonly p: number;
  readonly value: number;
}

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 24, top: 48, bottom: 56 };
const TICKS = [0, 50, 90, 99, 99.9, 99.99, 99.999];

function round(value: number): string {
  return value.toFixed(1);
}

function xOf(p: number): number {
  const maxLog = Math.log10(1 / (1 - 99.999 / 100));
  const position = Math.log10(1 / (1 - Math.min(p, 99.999) / 100)) / maxLog;
  return MARGIN.left + position * (WIDTH - MARGIN.left - MARGIN.right);
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(value, 1)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function latencyChartSvg(
  title: string,
  subtitle: string,
  series: readonly ChartSeries[],
  markers: readonly ChartMarker[],
): string {
  const highest = Math.max(
    1,
    ...series.flatMap((entry) => entry.points.map((point) => point.value)),
    ...markers.map((marker) => marker.value),
  );
  const yMax = niceCeiling(highest * 1.05);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const yOf = (value: number) => MARGIN.top + plotHeight * (1 - value / yMax);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="15">${escape(title)}</text>`,
    `<text x="${WIDTH / 2}" y="34" text-anchor="middle" font-size="10" fill="#555">${escape(subtitle)}</text>`,
  ];
  for (let index = 0; index <= 5; index += 1) {
    const value = (yMax / 5) * index;
    const y = yOf(value);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(y)}" y2="${round(y)}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 8}" y="${round(y + 4)}" text-anchor="end">${Number(value.toFixed(2))}</text>`,
    );
  }
  for (const tick of TICKS) {
    const x = round(xOf(tick));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" stroke="#f0f0f0"/>`,
      `<text x="${x}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${tick}%</text>`,
    );
  }
  parts.push(
    `<text x="${WIDTH / 2}" y="${HEIGHT - 12}" text-anchor="middle">percentile</text>`,
    `<text x="16" y="${HEIGHT / 2}" text-anchor="middle" transform="rotate(-90 16 ${HEIGHT / 2})">latency (ms)</text>`,
  );
  for (const marker of markers) {
    const x = xOf(marker.p);
    const y = yOf(marker.value);
    parts.push(
      `<path d="M ${round(x - 6)} ${round(y)} L ${round(x + 6)} ${round(y)} M ${round(x)} ${round(y - 6)} L ${round(x)} ${round(y + 6)}" stroke="#d62728" stroke-width="2"/>`,
      `<text x="${round(x + 8)}" y="${round(y - 6)}" fill="#d62728">${escape(marker.label)}</text>`,
    );
  }
  series.forEach((entry, index) => {
    if (entry.points.length === 0) return;
    const path = entry.points
      .map(
        (point, pointIndex) =>
          `${pointIndex === 0 ? 'M' : 'L'} ${round(xOf(point.p))} ${round(yOf(point.value))}`,
      )
      .join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${entry.colour}" stroke-width="2"/>`);
    const legendY = MARGIN.top + 16 + index * 16;
    parts.push(
      `<line x1="${MARGIN.left + 12}" x2="${MARGIN.left + 32}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${entry.colour}" stroke-width="2"/>`,
      `<text x="${MARGIN.left + 38}" y="${legendY}">${escape(entry.label)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
