// `pnpm start` as a developer runs it: the built devstack starts an embedded PostgreSQL, the
// simulators and the service, and one alert walks to its outcome at the simulated Ethoca.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAlert } from '@mastercom/contracts/fixtures';
import { generateStandardWebhookSecret, waitFor } from '@mastercom/testkit';
import { serviceClient } from '@mastercom/service-harness';
import { afterAll, describe, expect, it } from 'vitest';

const startDev = fileURLToPath(new URL('../dist/start-dev.js', import.meta.url));
// As root, embedded PostgreSQL runs as the postgres user, who can enter /tmp.
const dataRoot = mkdtempSync(path.join(tmpdir(), 'devstack-test-'));
// eslint-disable-next-line security/detect-non-literal-fs-filename -- the folder made just above
chmodSync(dataRoot, 0o755);
const token = randomBytes(24).toString('base64url');
const hmacSecret = generateStandardWebhookSecret();
const output: string[] = [];
const child = spawn(process.execPath, [startDev], {
  cwd: dataRoot,
  env: {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: '0',
    HOST: '127.0.0.1',
    API_TOKENS: `admin:${token}`,
    WEBHOOK_HMAC_SECRETS: hmacSecret,
    EMBEDDED_POSTGRES_DIR: path.join(dataRoot, 'postgres'),
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
for (const stream of [child.stdout, child.stderr]) {
  stream.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n')));
}
const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await exited;
  rmSync(dataRoot, { recursive: true, force: true });
});

describe('pnpm start (devstack)', () => {
  it(
    'serves the service on an embedded PostgreSQL with simulators, and stops them all on Ctrl-C',
    { timeout: 180_000 },
    async () => {
      const url = await waitFor(
        'the devstack to say the service is ready',
        () => {
          const line = output.find((text) => text.startsWith('devstack: ready: '));
          const found = line === undefined ? undefined : /ready: (\S+)/.exec(line)?.[1];
          return Promise.resolve(
            found === undefined
              ? { done: false, state: output.length }
              : { done: true, value: found },
          );
        },
        { timeoutMs: 90_000, intervalMs: 200, context: () => output.slice(-30).join('\n') },
      );
      expect(output.join('\n')).toMatch(/devstack: embedded PostgreSQL \d+/);
      expect(output.join('\n')).toContain('SIMULATORS (development only');

      const alert = createAlert(Date.now() % 2_147_483_647);
      const client = serviceClient({ url: () => url, hmacSecret, apiToken: token });
      await client.deliver([alert]);
      // Unmatched, so held for an agent: it waits in the desk's queue until one decides it, and
      // the decision goes to the simulated Ethoca.
      const desk = await fetch(`${url}/desk`);
      expect(desk.status).toBe(200);
      expect(await desk.text()).toContain('<div id="desk">');
      expect(output.join('\n')).toContain(`devstack: alert desk: ${url}/desk`);
      await waitFor(
        'the alert to wait in the desk queue',
        async () => {
          const queue = await fetch(`${url}/api/v6/desk/queue`, {
            headers: { authorization: `Bearer ${token}` },
          }).then((response) => response.json() as Promise<{ items: { alertId: string }[] }>);
          const waiting = queue.items.some((item) => item.alertId === alert.alertId);
          return waiting ? { done: true, value: undefined } : { done: false, state: queue.items };
        },
        { timeoutMs: 30_000, intervalMs: 250, context: () => output.slice(-30).join('\n') },
      );
      const decided = await client.postOutcome(alert.alertId, {
        outcome: 'NOT_FOUND',
        refundStatus: 'NOT_REFUNDED',
      });
      expect(decided.status).toBe(202);
      const sent = await waitFor(
        'the alert to reach OUTCOME_SENT',
        async () => {
          const detail = await client.getAlert(alert.alertId);
          return detail.status === 'OUTCOME_SENT'
            ? { done: true, value: detail }
            : { done: false, state: detail.status };
        },
        { timeoutMs: 30_000, intervalMs: 250, context: () => output.slice(-30).join('\n') },
      );
      expect(sent.events.map((event) => event.toStatus)).toEqual([
        'RECEIVED',
        'UNMATCHED',
        'OUTCOME_PENDING',
        'OUTCOME_SENT',
      ]);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      const health = await fetch(`${url}/__ops/ping`).then(
        () => 'answered',
        () => 'refused',
      );
      expect(health).toBe('refused');
    },
  );
});
