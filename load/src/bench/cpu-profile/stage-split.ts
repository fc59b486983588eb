/**
 * Splits a V8 CPU profile (the `.cpuprofile` that `node --cpu-prof` writes) into the webhook's
 * stages. Each sample goes to the innermost frame on its stack that belongs to a stage, so a
 * library called on a stage's behalf (JSON.parse inside the masking parser, `pg` inside the
 * ingest) counts where the service's own code put it; a sample with no such frame is `other`.
 * V8's pseudo-frames give garbage collection and idle time. Format: the Chrome DevTools
 * Protocol's Profiler.Profile (https://chromedevtools.github.io/devtools-protocol/tot/Profiler/).
 */

export interface CpuProfile {
  nodes: readonly ProfileNode[];
  startTime: number;
  endTime: number;
  samples: readonly number[];
  timeDeltas: readonly number[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: readonly number[];
}

export const STAGES = [
  'http',
  'authentication',
  'json',
  'masking',
  'logging',
  'statement',
  'gc',
  'v8Helpers',
  'threadpool',
  'other',
] as const;
export type Stage = (typeof STAGES)[number];

/** The stages named by code on the main thread's stacks; the rest have no frame of their own. */
type CodeStage = Exclude<Stage, 'gc' | 'v8Helpers' | 'threadpool' | 'other'>;

export const STAGE_LABELS: Readonly<Record<Stage, string>> = {
  http: 'HTTP parsing and Express',
  authentication: 'authentication',
  json: 'JSON parse and validation',
  masking: 'card masking',
  logging: 'logging and metrics',
  statement: 'building and sending the statement',
  gc: 'garbage collection on the main thread',
  v8Helpers: "V8's helper threads (parallel and concurrent GC, compilation)",
  threadpool: "libuv's threadpool (the log's file writes)",
  other: 'other (timers, event loop, unattributed)',
};

// Where each stage's code lives: the service's and contracts' own files by path, libraries by
// package name. Checked in this order, so card masking wins over the rest of contracts.
const OWN_FILES: readonly { stage: CodeStage; paths: readonly string[] }[] = [
  { stage: 'authentication', paths: ['/service/dist/alerts/authentication/'] },
  {
    stage: 'masking',
    paths: ['/service/dist/platform/security/card-masking.js', '/contracts/dist/card-number.js'],
  },
  {
    stage: 'logging',
    paths: ['/service/dist/platform/observability/', '/service/dist/platform/http/access-log.js'],
  },
  {
    stage: 'statement',
    paths: ['/service/dist/alerts/alert-ingest.js', '/service/dist/platform/database/'],
  },
  {
    stage: 'json',
    paths: [
      '/service/dist/alerts/alert-normalizer.js',
      '/service/dist/alerts/storable-json.js',
      '/service/dist/alerts/webhook-route.js',
      '/service/dist/platform/http/json-body.js',
      '/contracts/dist/',
    ],
  },
  { stage: 'http', paths: ['/service/dist/platform/http/', '/service/dist/app.js'] },
];

const PACKAGES: Readonly<Record<string, CodeStage>> = Object.fromEntries([
  ...[
    'pino',
    'pino-std-serializers',
    'sonic-boom',
    'thread-stream',
    'hot-shots',
    'fast-redact',
    'on-exit-leak-free',
  ].map((name) => [name, 'logging'] as const),
  ...['pg', 'pg-protocol', 'pg-pool', 'pg-types', 'kysely', 'pg-boss'].map(
    (name) => [name, 'statement'] as const,
  ),
  ...['zod'].map((name) => [name, 'json'] as const),
  ...[
    'express',
    'router',
    'body-parser',
    'raw-body',
    'finalhandler',
    'send',
    'on-finished',
    'qs',
    'content-type',
    'type-is',
    'accepts',
    'negotiator',
    'mime-types',
    'debug',
    'depd',
    'http-errors',
    'statuses',
    'iconv-lite',
    'proxy-addr',
    'forwarded',
    'ipaddr.js',
  ].map((name) => [name, 'http'] as const),
]);

/** The package a script belongs to: the folder after its last `node_modules/` (pnpm's too). */
function packageOf(url: string): string | undefined {
  const at = url.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const [first, second] = url.slice(at + '/node_modules/'.length).split('/');
  return first?.startsWith('@') ? `${first}/${second ?? ''}` : first;
}

/**
 * Node's sockets and streams serve every stage (the request's bytes, PostgreSQL's, the log's), so
 * they name a stage only when nothing further out on the stack does: then it is the HTTP side,
 * reading requests and writing answers from the event loop.
 */
const SOCKETS = [
  'node:net',
  'node:stream',
  'node:internal/streams/',
  'node:internal/stream_base_commons',
  'node:internal/net',
];

function stageOfFrame(frame: ProfileNode['callFrame']): Stage | undefined {
  if (frame.functionName === '(garbage collector)') return 'gc';
  if (frame.url.startsWith('node:_http_')) return 'http';
  for (const rule of OWN_FILES)
    if (rule.paths.some((path) => frame.url.includes(path))) return rule.stage;
  const name = packageOf(frame.url);
  return name === undefined ? undefined : PACKAGES[name];
}

export interface StageSplit {
  /** Microseconds of CPU per stage, idle time left out. */
  micros: Record<Stage, number>;
  /** All sampled CPU, the sum of `micros`. */
  totalMicros: number;
  samples: number;
}

/**
 * A span of time on the machine's monotonic clock, in microseconds: V8 stamps profiles with it,
 * and `process.hrtime.bigint() / 1000n` in any process on the same machine reads the same clock.
 */
export interface ProfileWindow {
  fromMicros: number;
  toMicros: number;
}

/** The profile's CPU by stage, only the samples that start inside `window` when one is given. */
export function splitByStage(profile: CpuProfile, window?: ProfileWindow): StageSplit {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  // The stage of a node's whole stack: its own frame's, else the nearest caller's; a stack that
  // passes through sockets and reaches no stage is `http`.
  const stageOfNode = new Map<number, { stage: Stage | 'idle' | undefined; sockets: boolean }>();
  const walk = (id: number): { stage: Stage | 'idle' | undefined; sockets: boolean } => {
    const known = stageOfNode.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id);
    let found: { stage: Stage | 'idle' | undefined; sockets: boolean };
    if (node === undefined) found = { stage: undefined, sockets: false };
    else if (node.callFrame.functionName === '(idle)') found = { stage: 'idle', sockets: false };
    else {
      const own = stageOfFrame(node.callFrame);
      const up = parent.get(id);
      const outer = up === undefined ? { stage: undefined, sockets: false } : walk(up);
      found = {
        stage: own ?? outer.stage,
        sockets: outer.sockets || SOCKETS.some((prefix) => node.callFrame.url.startsWith(prefix)),
      };
    }
    stageOfNode.set(id, found);
    return found;
  };
  const resolve = (id: number): Stage | 'idle' => {
    const { stage, sockets } = walk(id);
    return stage ?? (sockets ? 'http' : 'other');
  };

  const micros = Object.fromEntries(STAGES.map((stage) => [stage, 0])) as Record<Stage, number>;
  // Sample i starts at startTime + the sum of the deltas up to i and lasts until sample i + 1
  // starts (the last one until endTime), as DevTools reads the same format.
  let at = profile.startTime;
  const starts = profile.timeDeltas.map((delta) => (at += delta));
  let samples = 0;
  profile.samples.forEach((id, index) => {
    const start = starts[index] ?? profile.endTime;
    const duration = Math.max(0, (starts[index + 1] ?? profile.endTime) - start);
    if (window !== undefined && (start < window.fromMicros || start >= window.toMicros)) return;
    const stage = resolve(id);
    if (stage === 'idle') return;
    micros[stage] += duration;
    samples += 1;
  });
  const totalMicros = STAGES.reduce((sum, stage) => sum + micros[stage], 0);
  return { micros, totalMicros, samples };
}
