/* eslint-disable security/detect-non-literal-fs-filename -- every path is inside a temporary folder the fixture made */
// A throwaway repository for the release scripts (deploy.sh, smoke.sh, rollback.sh): the scripts
// copied in, a recording stand-in for kubectl's cluster calls, and a fake service plus a fake
// Datadog API on 127.0.0.1, since there is neither a cluster nor a deployed service here.
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  symlinkSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath } from '../repository.js';

export const SMOKE_TOKEN = 'smoke-token-for-tests';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  ddApiKey: string | undefined;
  query: string | undefined;
}

/** What the fake service and the fake Datadog answer; `undone` is true after `rollout undo`. */
export interface FakeBehaviour {
  healthStatus?: (undone: boolean) => number;
  alertsStatus?: (undone: boolean) => number;
  /** What `/desk` answers (200 unless given): 404 when the Ingress does not route it. */
  deskStatus?: (undone: boolean) => number;
  /** The version /health reports; none when unset. */
  version?: (undone: boolean) => string;
  /** Alerts persisted and outcomes sent in Datadog; `null` for no points. */
  flow?: () => { persisted: number | null; sent: number | null };
  /** Datadog's numbers for this version; `null` for a metric Datadog has no points of. */
  datadog?: (undone: boolean) => {
    errors: number | null;
    hits: number | null;
    p95: number | null;
    p99: number | null;
  };
}

export interface ScriptResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The cluster calls kubectl received, one a line (kustomize runs are not recorded). */
  kubectl: string[];
}

export class ReleaseFixture {
  readonly root = mkdtempSync(path.join(tmpdir(), 'release-'));
  readonly requests: RecordedRequest[] = [];
  /** Bodies of the events posted to the fake Datadog. */
  readonly events: Record<string, unknown>[] = [];
  behaviour: FakeBehaviour = {};
  #server: Server | undefined;
  #url = '';

  constructor() {
    mkdirSync(path.join(this.root, 'scripts', 'lib'), { recursive: true });
    for (const script of [
      'deploy.sh',
      'smoke.sh',
      'rollback.sh',
      'rollback-release.sh',
      'scan-deployed.sh',
      'scan-image.sh',
      'lib/release.sh',
    ]) {
      copyFileSync(repoPath('scripts', script), path.join(this.root, 'scripts', script));
    }
    // The verification window reads the thresholds from the built SLO module.
    mkdirSync(path.join(this.root, 'contracts', 'dist'), { recursive: true });
    copyFileSync(
      repoPath('contracts', 'dist', 'slo.js'),
      path.join(this.root, 'contracts', 'dist', 'slo.js'),
    );
    mkdirSync(path.join(this.root, 'bin'));
    const realKubectl = execFileSync('bash', ['-c', 'command -v kubectl'], {
      encoding: 'utf8',
    }).trim();
    // rollout status fails while FAIL_ROLLOUT is set and nothing was undone; rollout history
    // fails for MISSING_REVISION; FAIL_AFTER_UNDO makes the rollout after an undo fail too.
    writeFileSync(
      path.join(this.root, 'bin', 'kubectl'),
      `#!/usr/bin/env bash
if [ "$1" = kustomize ]; then exec ${realKubectl} "$@"; fi
echo "$*" >> "${this.root}/kubectl.log"
if [ "$1 $2" = "rollout status" ] && [ -n "\${FAIL_ROLLOUT:-}" ] && [ ! -f "${this.root}/undone" ]; then exit 1; fi
if [ "$1 $2" = "rollout status" ] && [ -n "\${FAIL_AFTER_UNDO:-}" ] && [ -f "${this.root}/undone" ]; then exit 1; fi
if [ "$1 $2" = "rollout history" ] && [ -n "\${MISSING_REVISION:-}" ]; then
  case " $* " in *" --revision $MISSING_REVISION "*) exit 1 ;; esac
fi
if [ "$1 $2" = "rollout undo" ]; then touch "${this.root}/undone"; fi
if [ "$1 $2" = "get replicasets" ]; then cat "${this.root}/replicasets.json"; fi
exit 0
`,
    );
    chmodSync(path.join(this.root, 'bin', 'kubectl'), 0o755);
    // buildkite-agent: meta-data from META_<KEY> variables, annotations and uploads recorded.
    writeFileSync(
      path.join(this.root, 'bin', 'buildkite-agent'),
      `#!/usr/bin/env bash
case "$1 $2" in
  "meta-data get") name="META_\${3^^}"; if [ -n "\${!name+x}" ]; then printf '%s' "\${!name}"; else printf '%s' "\${5:-}"; fi ;;
  "annotate "*) { echo "$*"; cat; } >> "${this.root}/annotations.log" ;;
  "pipeline upload") cat >> "${this.root}/uploaded.yml" ;;
  *) echo "$*" >> "${this.root}/agent.log" ;;
esac
`,
    );
    chmodSync(path.join(this.root, 'bin', 'buildkite-agent'), 0o755);
    // The registry side of a release (moving an environment's tag) is recorded the same way.
    writeFileSync(
      path.join(this.root, 'bin', 'docker'),
      `#!/usr/bin/env bash\necho "$*" >> "${this.root}/docker.log"\n`,
    );
    chmodSync(path.join(this.root, 'bin', 'docker'), 0o755);
    // The scripts' CLIs run from the pipeline package as built for this test run (linked, so its
    // dependencies resolve); the scripts' own `pnpm turbo run build` is recorded, not run.
    mkdirSync(path.join(this.root, 'packages'));
    symlinkSync(repoPath('packages', 'pipeline'), path.join(this.root, 'packages', 'pipeline'));
    writeFileSync(
      path.join(this.root, 'bin', 'pnpm'),
      `#!/usr/bin/env bash\necho "$*" >> "${this.root}/pnpm.log"\n`,
    );
    chmodSync(path.join(this.root, 'bin', 'pnpm'), 0o755);
    // trivy: a report in Trivy's JSON form, with one fixable CRITICAL finding for the images
    // listed in vulnerable-images, none for the others.
    writeFileSync(
      path.join(this.root, 'bin', 'trivy'),
      `#!/usr/bin/env bash
echo "$*" >> "${this.root}/trivy.log"
while [ $# -gt 1 ]; do
  if [ "$1" = --output ]; then output=$2; fi
  shift
done
image=$1
if grep -qxF "$image" "${this.root}/vulnerable-images" 2>/dev/null; then
  vulnerabilities='[{"VulnerabilityID":"CVE-2026-0001","PkgName":"openssl","InstalledVersion":"3.0.1","FixedVersion":"3.0.2","Severity":"CRITICAL"}]'
else
  vulnerabilities='[]'
fi
printf '{"SchemaVersion":2,"ArtifactName":"%s","Results":[{"Target":"%s (debian 12)","Vulnerabilities":%s}]}' "$image" "$image" "$vulnerabilities" > "$output"
`,
    );
    chmodSync(path.join(this.root, 'bin', 'trivy'), 0o755);
  }

  /**
   * The ReplicaSets `kubectl get replicasets` answers with: one per revision of the Deployment
   * `mastercom-service` (addOverlay's), owned by it and running `image`.
   */
  setRevisions(revisions: readonly { revision: number; image: string }[]): void {
    const items = revisions.map(({ revision, image }) => ({
      metadata: {
        name: `mastercom-service-${String(revision)}`,
        annotations: { 'deployment.kubernetes.io/revision': String(revision) },
        ownerReferences: [{ kind: 'Deployment', name: 'mastercom-service' }],
      },
      spec: { template: { spec: { containers: [{ name: 'service', image }] } } },
    }));
    writeFileSync(
      path.join(this.root, 'replicasets.json'),
      JSON.stringify({ kind: 'List', items }),
    );
  }

  /** Images the fake trivy finds a fixable critical vulnerability in. */
  markVulnerable(...images: string[]): void {
    writeFileSync(path.join(this.root, 'vulnerable-images'), images.map((i) => `${i}\n`).join(''));
  }

  /** What a script wrote to a file of the fixture's folder (annotations.log, ...), or ''. */
  file(name: string): string {
    try {
      return readFileSync(path.join(this.root, name), 'utf8');
    } catch {
      return '';
    }
  }

  /** The docker calls the scripts made, one a line. */
  get docker(): string[] {
    try {
      return readFileSync(path.join(this.root, 'docker.log'), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  /** The fake service's base URL, once started. */
  get url(): string {
    return this.#url;
  }

  get undone(): boolean {
    return existsSync(path.join(this.root, 'undone'));
  }

  /** A minimal overlay with one Deployment, for tests about the scripts' control flow. */
  addOverlay(environment: string): void {
    const base = path.join(this.root, 'k8s', 'base');
    mkdirSync(base, { recursive: true });
    writeFileSync(path.join(base, 'kustomization.yaml'), 'resources:\n  - deployment.yaml\n');
    writeFileSync(
      path.join(base, 'deployment.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: mastercom-service
spec:
  selector: { matchLabels: { app: mastercom-service } }
  template:
    metadata: { labels: { app: mastercom-service } }
    spec:
      containers:
        - name: service
          image: mastercom-service
`,
    );
    const overlay = path.join(this.root, 'k8s', environment);
    mkdirSync(overlay, { recursive: true });
    writeFileSync(
      path.join(overlay, 'kustomization.yaml'),
      `namespace: mastercom-${environment}\nresources:\n  - ../base\n`,
    );
  }

  /** The repository's own k8s/ folder. */
  addRealOverlays(): void {
    cpSync(repoPath('k8s'), path.join(this.root, 'k8s'), { recursive: true });
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/api/v1/events' && req.method === 'POST') {
        let text = '';
        req.on('data', (chunk: Buffer) => (text += chunk.toString()));
        req.on('end', () => {
          this.events.push(JSON.parse(text) as Record<string, unknown>);
          res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        });
        return;
      }
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      this.requests.push({
        method: req.method ?? '',
        path: url.pathname,
        authorization: header('authorization'),
        ddApiKey: header('dd-api-key'),
        query: url.searchParams.get('query') ?? undefined,
      });
      const undone = this.undone;
      let status = 404;
      let body: unknown = { error: 'not found' };
      if (url.pathname === '/__ops/ping' || url.pathname === '/api/v6/webhooks/ethoca/health') {
        status = 200;
        body = { status: 'ok' };
      } else if (url.pathname === '/desk') {
        status = this.behaviour.deskStatus?.(undone) ?? 200;
        body = '<!doctype html><div id="desk"></div>';
      } else if (url.pathname === '/health') {
        status = this.behaviour.healthStatus?.(undone) ?? 200;
        const version = this.behaviour.version?.(undone);
        body = {
          status: status === 200 ? 'ok' : 'unavailable',
          ...(version === undefined ? {} : { version }),
        };
      } else if (url.pathname === '/api/v6/alerts') {
        status =
          header('authorization') === `Bearer ${SMOKE_TOKEN}`
            ? (this.behaviour.alertsStatus?.(undone) ?? 200)
            : 401;
        body = { alerts: [] };
      } else if (url.pathname === '/api/v1/query') {
        const query = url.searchParams.get('query') ?? '';
        const numbers = this.behaviour.datadog?.(undone) ?? { errors: 0, hits: 0, p95: 0, p99: 0 };
        const flow = this.behaviour.flow?.() ?? { persisted: null, sent: null };
        const value = query.includes('webhook.persisted')
          ? flow.persisted
          : query.includes('outcomes.sent')
            ? flow.sent
            : query.includes('request.errors')
              ? numbers.errors
              : query.includes('request.hits')
                ? numbers.hits
                : query.includes('95percentile')
                  ? numbers.p95
                  : numbers.p99;
        status = header('dd-api-key') === 'dd-api' ? 200 : 403;
        // A query with no points is answered with an empty series list, as Datadog's API
        // reference shows for GET /api/v1/query ("Query timeseries points").
        body = {
          status: 'ok',
          res_type: 'time_series',
          query,
          series: value === null ? [] : [{ pointlist: [[Date.now(), value]] }],
        };
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.#url;
  }

  /** Runs scripts/NAME with the fake kubectl first on PATH and the fake service as SERVICE_URL. */
  run(script: string, args: string[], env: Record<string, string> = {}): Promise<ScriptResult> {
    const child = spawn('bash', [path.join(this.root, 'scripts', script), ...args], {
      env: {
        ...process.env,
        PATH: `${path.join(this.root, 'bin')}:${process.env.PATH ?? ''}`,
        IMAGE: 'registry.test/mastercom-service:abc123',
        SERVICE_URL: this.#url,
        SMOKE_API_TOKEN: SMOKE_TOKEN,
        SMOKE_TIMEOUT: '5',
        VERIFY_WINDOW_SECONDS: '0',
        VERIFY_INTERVAL_SECONDS: '1',
        DD_API_KEY: '',
        DD_APP_KEY: '',
        DATADOG_API_URL: this.#url,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => {
      child.on('close', (status) => {
        let log = '';
        try {
          log = readFileSync(path.join(this.root, 'kubectl.log'), 'utf8');
        } catch {
          // No cluster call was made.
        }
        resolve({ status, stdout, stderr, kubectl: log.split('\n').filter(Boolean) });
      });
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.#server === undefined) resolve();
      else this.#server.close(() => resolve());
    });
    rmSync(this.root, { recursive: true, force: true });
  }
}
