// The release image's smoke test, before it is pushed: the image runs as it ships (production
// configuration, read-only root, no capabilities) against a PostgreSQL server and the mock Ethoca,
// PSP and Mastercom, and must answer /health, serve its pages, take one alert from the webhook to Ethoca through a
// refund at the PSP, keep no full card number in its log, and stop cleanly on SIGTERM.
//
// The container shares the host's network so that it reaches the mocks and the database on
// loopback with the same command under Docker and podman; traffic never leaves this machine.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findCardNumbers, type EthocaAlert } from '@mastercom/contracts';
import { createAlert, transactionForAlert } from '@mastercom/contracts/fixtures';
import {
  databaseUrl,
  findFreePort,
  generateRsaKeyPair,
  generateStandardWebhookSecret,
  startMockEthoca,
  startMockMastercom,
  startMockPsp,
  startTestPostgres,
  uniqueDatabaseName,
  withAdminClient,
} from '@mastercom/testkit';
import { serviceClient } from '@mastercom/service-harness';
import { runCommand, tryCommand } from '../process/run-command.js';

export interface ImageSmokeOptions {
  /** `docker` or `podman`. */
  readonly cli: string;
  readonly image: string;
  /** Where PostgreSQL comes from: the test kit's provider variables (TEST_DATABASE_URL, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  /** `name=value` put on the container, so a runner that is cut short can find and remove it. */
  readonly label?: string;
  /** Bounds each wait: the service's start, the alert's round trip, its shutdown. */
  readonly timeoutMs?: number;
}

export interface ImageSmokeResult {
  readonly startSeconds: number;
  readonly roundTripSeconds: number;
  readonly version: string;
}

const CONSUMER_KEY = 'image-smoke-consumer-key';
const MOUNT = '/run/smoke';

/** Thrown with what the service printed, so a failing step shows why. */
export class ImageSmokeError extends Error {
  constructor(message: string, serviceLog: string) {
    const tail = serviceLog.trim().split('\n').slice(-40).join('\n');
    super(`${message}\n--- the service's last log lines\n${tail}`);
    this.name = 'ImageSmokeError';
  }
}

/** The alert of the round trip and its merchant's record: an order not yet shipped, so a refund. */
export function smokeAlert(seed: number): {
  alert: EthocaAlert;
  transaction: ReturnType<typeof transactionForAlert>;
  expectedOutcome: string;
} {
  const alert = createAlert(seed);
  return {
    alert,
    transaction: transactionForAlert(alert, { fulfilment: 'NOT_FULFILLED' }),
    // The decision table's not-fulfilled row (processing/decision-rules.ts), by alert type.
    expectedOutcome: alert.alertType === 'CONFIRMEDFRAUD' ? 'STOPPED' : 'RESOLVED',
  };
}

export async function smokeTestImage(options: ImageSmokeOptions): Promise<ImageSmokeResult> {
  const { cli, image, log } = options;
  const timeoutMs = options.timeoutMs ?? 90_000;
  const cleanups: (() => Promise<unknown>)[] = [];
  const container = `mastercom-smoke-${randomBytes(4).toString('hex')}`;
  let started = false;
  const serviceLog = async () =>
    started ? (await tryCommand(cli, ['logs', container])).stdout : '(not started)';
  try {
    const postgres = await startTestPostgres({ env: options.env, log });
    cleanups.push(() => postgres.stop());
    const database = uniqueDatabaseName(postgres.databasePrefix);
    await withAdminClient(postgres.adminUrl, (client) =>
      client.query(`CREATE DATABASE ${database}`),
    );

    const keys = generateRsaKeyPair();
    const ethoca = await startMockEthoca({
      publicKeyPem: keys.publicKeyPem,
      consumerKey: CONSUMER_KEY,
    });
    cleanups.push(() => ethoca.close());
    const psp = await startMockPsp();
    cleanups.push(() => psp.close());
    const mastercom = await startMockMastercom({
      publicKeyPem: keys.publicKeyPem,
      consumerKey: CONSUMER_KEY,
    });
    cleanups.push(() => mastercom.close());

    // The service's user (1000) reads the signing key from a folder mounted read-only. The paths
    // are a folder this run made.
    /* eslint-disable security/detect-non-literal-fs-filename */
    const secrets = await mkdtemp(path.join(tmpdir(), 'mastercom-smoke-'));
    cleanups.push(() => rm(secrets, { recursive: true, force: true }));
    await chmod(secrets, 0o755);
    await writeFile(path.join(secrets, 'mastercard-signing-key.pem'), keys.privateKeyPem, {
      mode: 0o644,
    });
    /* eslint-enable security/detect-non-literal-fs-filename */

    const port = await findFreePort();
    const hmacSecret = generateStandardWebhookSecret();
    const apiToken = randomBytes(24).toString('base64url');
    const environment: Record<string, string> = {
      NODE_ENV: 'production',
      SERVICE_ROLE: 'all',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl(postgres.adminUrl, database),
      WEBHOOK_HMAC_SECRETS: hmacSecret,
      API_TOKENS: `admin:${apiToken}`,
      MASTERCARD_CONSUMER_KEY: CONSUMER_KEY,
      MASTERCARD_SIGNING_KEY_PEM_PATH: `${MOUNT}/mastercard-signing-key.pem`,
      ETHOCA_OUTCOME_URL: ethoca.url,
      PSP_URL: psp.url,
      MASTERCOM_URL: mastercom.url,
      OUTCOME_FLUSH_INTERVAL_MS: '100',
      SHUTDOWN_GRACE_MS: '5000',
    };
    const runStarted = performance.now();
    await runCommand(cli, [
      'run',
      '--detach',
      '--name',
      container,
      ...(options.label === undefined ? [] : ['--label', options.label]),
      '--network',
      'host',
      // As Kubernetes runs it (k8s/base): read-only root, scratch /tmp, no capabilities.
      '--read-only',
      '--tmpfs',
      '/tmp',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--volume',
      `${secrets}:${MOUNT}:ro`,
      ...Object.entries(environment).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
      image,
    ]);
    started = true;
    cleanups.push(() => tryCommand(cli, ['rm', '--force', container]));
    const url = `http://127.0.0.1:${String(port)}`;

    const health = await waitUntil(timeoutMs, async () => {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3_000) }).catch(
        () => undefined,
      );
      return response?.status === 200
        ? ((await response.json()) as { version?: string })
        : undefined;
    });
    if (health === undefined) {
      throw new ImageSmokeError(
        `/health did not answer 200 within ${String(timeoutMs)} ms`,
        await serviceLog(),
      );
    }
    const startSeconds = (performance.now() - runStarted) / 1000;
    log(
      `smoke: /health 200 after ${startSeconds.toFixed(1)} s (version ${String(health.version)})`,
    );

    // The pages ship inside the image: the desk and the script its page names, and the reference.
    for (const page of ['/desk', '/docs']) {
      const answer = await fetch(`${url}${page}`, { signal: AbortSignal.timeout(3_000) });
      const html = await answer.text();
      const script = /<script[^>]*\ssrc="([^"]+)"/.exec(html)?.[1];
      const bundle =
        script === undefined
          ? undefined
          : await fetch(new URL(script, `${url}${page}`), { signal: AbortSignal.timeout(3_000) });
      if (answer.status !== 200 || bundle?.status !== 200) {
        throw new ImageSmokeError(
          `${page} answered ${String(answer.status)}, its script ${String(bundle?.status ?? 'missing')}`,
          await serviceLog(),
        );
      }
    }
    log('smoke: /desk and /docs served with their scripts');

    // tini is PID 1 and runs as the image's numeric user, never root.
    const status = await runCommand(cli, ['exec', container, 'cat', '/proc/1/status']);
    if (!/^Uid:\s+1000\s+1000\s+1000\s+1000$/m.test(status.stdout)) {
      throw new ImageSmokeError(`PID 1 does not run as user 1000:\n${status.stdout}`, '');
    }

    const { alert, transaction, expectedOutcome } = smokeAlert(Date.now() % 2_147_483_647);
    const client = serviceClient({ url: () => url, hmacSecret, apiToken });
    const tripStarted = performance.now();
    await client.recordTransactions([transaction]);
    await client.deliver([alert]);
    const recorded = await waitUntil(timeoutMs, () =>
      Promise.resolve(ethoca.state.outcomes.get(alert.alertId)?.outcome),
    );
    if (recorded === undefined) {
      throw new ImageSmokeError(
        `no outcome for alert ${alert.alertId} reached Ethoca within ${String(timeoutMs)} ms`,
        await serviceLog(),
      );
    }
    const roundTripSeconds = (performance.now() - tripStarted) / 1000;
    const refund = psp.state.refundFor(alert.alertId);
    const problems = [
      recorded.outcome === expectedOutcome
        ? ''
        : `outcome ${recorded.outcome}, not ${expectedOutcome}`,
      recorded.refundStatus === 'REFUNDED'
        ? ''
        : `refundStatus ${recorded.refundStatus}, not REFUNDED`,
      refund?.status === 'SUCCEEDED' ? '' : `the PSP holds ${refund?.status ?? 'no refund'} for it`,
      psp.state.refunds.size === 1
        ? ''
        : `${String(psp.state.refunds.size)} refunds at the PSP, not 1`,
    ].filter((problem) => problem !== '');
    // Ethoca holds the outcome as soon as it answers; the service records OUTCOME_SENT a moment
    // later, when it has read that answer and settled the batch.
    let alertStatus = '';
    const sent = await waitUntil(timeoutMs, async () => {
      alertStatus = (await client.getAlert(alert.alertId)).status;
      return alertStatus === 'OUTCOME_SENT' ? alertStatus : undefined;
    });
    if (sent === undefined) problems.push(`the alert is ${alertStatus}, not OUTCOME_SENT`);
    if (problems.length > 0) {
      throw new ImageSmokeError(
        `the round trip went wrong: ${problems.join('; ')}`,
        await serviceLog(),
      );
    }
    log(
      `smoke: alert ${alert.alertId} refunded and ${recorded.outcome}/${recorded.refundStatus} at Ethoca in ${roundTripSeconds.toFixed(1)} s`,
    );

    // SIGTERM through tini: the service drains and exits 0 within its grace.
    await runCommand(cli, ['stop', '--time', '20', container]);
    const exitCode = (
      await runCommand(cli, ['inspect', '--format', '{{.State.ExitCode}}', container])
    ).stdout.trim();
    const output = await serviceLog();
    if (exitCode !== '0')
      throw new ImageSmokeError(`the service exited ${exitCode} on SIGTERM`, output);
    const cards = output.split('\n').flatMap((line) => findCardNumbers(line));
    if (cards.length > 0) {
      throw new ImageSmokeError(
        `the service's log holds ${String(cards.length)} full card number(s)`,
        '',
      );
    }
    log('smoke: stopped cleanly on SIGTERM (exit 0); no full card number in its log');
    return { startSeconds, roundTripSeconds, version: String(health.version) };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** Polls `probe` every 250 ms until it gives a value or `timeoutMs` passes. */
async function waitUntil<T>(
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
