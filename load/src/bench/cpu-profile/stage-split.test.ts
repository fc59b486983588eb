/* eslint-disable security/detect-non-literal-fs-filename -- files in a temporary folder the test makes */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitByStage, type CpuProfile, type ProfileWindow } from './stage-split.js';

// The profile is written by Node itself (`--cpu-prof`), not by this test: modules laid out where
// the service's stages live spin for known times, one of them calling into another stage's code.
const root = mkdtempSync(join(tmpdir(), 'stage-split-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const SPIN =
  'export function spin(ms) { const end = performance.now() + ms; let x = 0; while (performance.now() < end) x += Math.sqrt(x + 1); return x; }\n';
const files: Record<string, string> = {
  'packages/service/dist/alerts/authentication/verify.js': `${SPIN}import { log } from '../../../../../node_modules/.pnpm/pino@10.4.0/node_modules/pino/pino.js';\nexport function verify(ms) { spin(ms); }\nexport function verifyAndLog(ms) { log(ms); }\n`,
  'node_modules/.pnpm/pino@10.4.0/node_modules/pino/pino.js': `${SPIN}export function log(ms) { spin(ms); }\n`,
  'packages/service/dist/platform/database/database.js': `${SPIN}export function send(ms) { spin(ms); }\n`,
  'main.mjs': [
    "import { verify, verifyAndLog } from './packages/service/dist/alerts/authentication/verify.js';",
    "import { send } from './packages/service/dist/platform/database/database.js';",
    'for (let i = 0; i < 10; i += 1) { verify(30); verifyAndLog(20); send(25); }',
    // A window of the monotonic clock, read here as the bench reads it in its own process.
    'const from = process.hrtime.bigint() / 1000n;',
    'send(300);',
    'const to = process.hrtime.bigint() / 1000n;',
    "import { writeFileSync } from 'node:fs';",
    "writeFileSync(new URL('./window.json', import.meta.url), JSON.stringify({ fromMicros: Number(from), toMicros: Number(to) }));",
  ].join('\n'),
};

function profile(): CpuProfile {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  execFileSync(process.execPath, [
    '--cpu-prof',
    `--cpu-prof-dir=${root}`,
    '--cpu-prof-name=run.cpuprofile',
    join(root, 'main.mjs'),
  ]);
  expect(readdirSync(root)).toContain('run.cpuprofile');
  return JSON.parse(readFileSync(join(root, 'run.cpuprofile'), 'utf8')) as CpuProfile;
}

describe('CPU profile split by stage', () => {
  it('puts each sample in the innermost stage on its stack, in proportion to the time spent', () => {
    const split = splitByStage(profile());
    // 300 ms in authentication, 200 ms in the logger called from it, 250 + 300 ms sending
    // statements. Only loosely in proportion: on a machine busy with other suites a descheduled
    // spin hands a long sample interval to whichever stage runs next (0.17 of the total once), and
    // a slow start-up (module loading, counted as other) took 0.22 of the total once.
    const share = (micros: number) => micros / split.totalMicros;
    expect(share(split.micros.authentication)).toBeGreaterThan(0.08);
    // Innermost wins: the logger called from authentication code is counted as logging.
    expect(share(split.micros.logging)).toBeGreaterThan(0.08);
    expect(share(split.micros.statement)).toBeGreaterThan(0.25);
    expect(
      share(split.micros.authentication + split.micros.logging + split.micros.statement),
    ).toBeGreaterThan(0.6);
    expect(split.micros.json + split.micros.masking).toBe(0);
    expect(split.totalMicros).toBe(Object.values(split.micros).reduce((a, b) => a + b, 0));
    expect(split.samples).toBeGreaterThan(100);
  });

  it('takes only the samples inside a window of the monotonic clock', () => {
    const run = profile();
    const window = JSON.parse(readFileSync(join(root, 'window.json'), 'utf8')) as ProfileWindow;
    const split = splitByStage(run, window);
    expect(split.micros.statement / split.totalMicros).toBeGreaterThan(0.8);
    expect(split.micros.authentication + split.micros.logging).toBeLessThan(
      0.05 * split.totalMicros,
    );
  });

  it('leaves idle time out and counts the garbage collector on its own', () => {
    const frame = (id: number, functionName: string, url = '', children: number[] = []) => ({
      id,
      callFrame: { functionName, url },
      children,
    });
    const split = splitByStage({
      nodes: [
        frame(1, '(root)', '', [2, 3, 4, 5]),
        frame(2, '(idle)'),
        frame(3, '(garbage collector)'),
        frame(4, 'onStreamRead', 'node:internal/stream_base_commons'),
        frame(5, 'tick', 'file:///app/elsewhere.js'),
      ],
      startTime: 0,
      endTime: 100,
      samples: [2, 3, 4, 5, 2],
      timeDeltas: [0, 40, 10, 20, 25],
    });
    // Samples start at 0, 40, 50, 70, 95: idle 40 + 5, gc 10, sockets 20 (http), other 25.
    expect(split.micros).toMatchObject({ gc: 10, http: 20, other: 25 });
    expect(split.totalMicros).toBe(55);
    expect(split.samples).toBe(3);
  });
});
