import { STAGE_LABELS, STAGES, type Stage } from './stage-split.js';
import type { CostTable } from './cost-table.js';

const COLOURS: Readonly<Record<Stage, string>> = {
  http: '#1f77b4',
  authentication: '#ff7f0e',
  json: '#2ca02c',
  masking: '#d62728',
  logging: '#9467bd',
  statement: '#8c564b',
  gc: '#e377c2',
  v8Helpers: '#f7b6d2',
  threadpool: '#bcbd22',
  other: '#7f7f7f',
};
const POSTGRES = '#17becf';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The cost table as bars: per phase, the service's CPU per alert (split by stage when the phase
 * was profiled) and PostgreSQL's, on one millisecond scale, with the two targets marked.
 */
export function costChartSvg(
  table: CostTable,
  subtitle: string,
  targets: { serviceMs: number; postgresMs: number },
): string {
  const width = 900;
  const left = 260;
  const right = 40;
  const barHeight = 18;
  const rowGap = 14;
  const top = 70;
  const max = Math.max(
    targets.serviceMs,
    targets.postgresMs,
    ...table.phases.flatMap((phase) => [phase.serviceMsPerAlert, phase.postgresMsPerAlert]),
  );
  const scale = (ms: number) => (ms / (max * 1.1)) * (width - left - right);
  const parts: string[] = [];
  let y = top;
  for (const phase of table.phases) {
    const stages = table.stages.find((entry) => entry.phase === phase.phase);
    parts.push(
      `<text x="${left - 8}" y="${y + 13}" text-anchor="end">${escape(phase.phase)}: service</text>`,
    );
    if (stages === undefined) {
      parts.push(
        `<rect x="${left}" y="${y}" width="${scale(phase.serviceMsPerAlert).toFixed(1)}" height="${barHeight}" fill="${COLOURS.other}"/>`,
      );
    } else {
      let x = left;
      for (const row of stages.rows) {
        const w = scale(row.msPerAlert);
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${COLOURS[row.stage]}"><title>${escape(row.label)}: ${row.msPerAlert.toFixed(3)} ms</title></rect>`,
        );
        x += w;
      }
    }
    parts.push(
      `<text x="${(left + scale(phase.serviceMsPerAlert) + 6).toFixed(1)}" y="${y + 13}">${phase.serviceMsPerAlert.toFixed(3)} ms</text>`,
    );
    y += barHeight + 4;
    parts.push(
      `<text x="${left - 8}" y="${y + 13}" text-anchor="end">PostgreSQL</text>`,
      `<rect x="${left}" y="${y}" width="${scale(phase.postgresMsPerAlert).toFixed(1)}" height="${barHeight}" fill="${POSTGRES}"/>`,
      `<text x="${(left + scale(phase.postgresMsPerAlert) + 6).toFixed(1)}" y="${y + 13}">${phase.postgresMsPerAlert.toFixed(3)} ms</text>`,
    );
    y += barHeight + rowGap;
  }
  const marker = (ms: number, label: string, dy: number) => {
    const x = (left + scale(ms)).toFixed(1);
    return `<line x1="${x}" y1="${top - 8}" x2="${x}" y2="${y}" stroke="#000" stroke-dasharray="4 3"/><text x="${x}" y="${top - 12 - dy}" text-anchor="middle">${escape(label)}</text>`;
  };
  parts.push(
    marker(targets.serviceMs, `service target ${String(targets.serviceMs)} ms`, 0),
    marker(targets.postgresMs, `PostgreSQL target ${String(targets.postgresMs)} ms`, 14),
  );
  const legendY = y + 10;
  const legend = [
    ...STAGES.map((stage) => [STAGE_LABELS[stage], COLOURS[stage]] as const),
    ['PostgreSQL', POSTGRES] as const,
  ].map(([label, colour], index) => {
    const x = 20 + (index % 3) * 290;
    const ly = legendY + Math.floor(index / 3) * 18;
    return `<rect x="${x}" y="${ly}" width="12" height="12" fill="${colour}"/><text x="${x + 18}" y="${ly + 11}">${escape(label)}</text>`;
  });
  const height = legendY + Math.ceil(legend.length / 3) * 18 + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="20" y="22" font-size="16">CPU per persisted alert</text>`,
    `<text x="20" y="40" fill="#555">${escape(subtitle)}</text>`,
    ...parts,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
