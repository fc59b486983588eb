// The vulnerability step: `pnpm audit --audit-level high --prod`. Three outcomes, never a silent one:
// no high or critical advisory (pass), a high or critical advisory (fail, naming it), or no answer
// from the advisory service (pass with a printed notice, also posted as a Buildkite annotation).
import { spawn, spawnSync } from 'node:child_process';
import { repoRoot } from '../repository.js';

export const SKIPPED_NOTICE = 'skipped: advisory service unreachable';

export type AuditOutcome =
  | { readonly kind: 'passed'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'skipped'; readonly message: string };

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// What pnpm prints when it got no usable answer from the advisory endpoint, as opposed to an
// answer that lists advisories.
const UNREACHABLE =
  /ERR_PNPM_AUDIT_BAD_RESPONSE|ERR_PNPM_AUDIT_ENDPOINT|ERR_PNPM_FETCH|ERR_PNPM_META_FETCH_FAIL|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|UNABLE_TO_GET_ISSUER_CERT|socket hang up/;

export function auditArgs(): string[] {
  return ['audit', '--audit-level', 'high', '--prod'];
}

export function classifyAudit(result: CommandResult): AuditOutcome {
  const output = `${result.stdout}\n${result.stderr}`.trim();
  if (result.status === 0) {
    return { kind: 'passed', message: 'no high or critical advisories in production dependencies' };
  }
  if (UNREACHABLE.test(output)) {
    const reason = /responded with (\d{3})/.exec(output)?.[1];
    return {
      kind: 'skipped',
      message: `${SKIPPED_NOTICE}${reason ? ` (HTTP ${reason})` : ''}; vulnerabilities were not checked`,
    };
  }
  return {
    kind: 'failed',
    message: `high or critical advisories in production dependencies:\n${output}`,
  };
}

/** `registry` points pnpm at another advisory service (the tests run one on loopback). */
export async function runAudit(
  options: { registry?: string } = {},
  run: (args: string[]) => Promise<CommandResult> = runPnpm,
): Promise<AuditOutcome> {
  const args = auditArgs();
  if (options.registry) args.push('--registry', options.registry);
  return classifyAudit(await run(args));
}

// Asynchronous, so that a caller serving the advisory endpoint in the same process (the tests)
// keeps answering while pnpm waits for it.
function runPnpm(args: string[]): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * In a Buildkite job, a skipped audit is also shown on the build page, so nobody reads a green
 * Security Scan as "no vulnerabilities".
 */
export function annotateSkippedAudit(
  outcome: AuditOutcome,
  env: NodeJS.ProcessEnv = process.env,
  annotate: (args: string[]) => CommandResult = runBuildkiteAgent,
): boolean {
  if (outcome.kind !== 'skipped' || !env.BUILDKITE) return false;
  const result = annotate([
    'annotate',
    '--style',
    'warning',
    '--context',
    'security-audit',
    `Security Scan: ${outcome.message}`,
  ]);
  if (result.status !== 0) {
    throw new Error(`buildkite-agent annotate failed: ${result.stderr || result.stdout}`);
  }
  return true;
}

function runBuildkiteAgent(args: string[]): CommandResult {
  const result = spawnSync('buildkite-agent', args, { encoding: 'utf8' });
  if (result.error) return { status: 1, stdout: '', stderr: result.error.message };
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
