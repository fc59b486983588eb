import { createPublicKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { transactionForAlert } from '@mastercom/contracts/fixtures';
import { MAX_TRANSACTIONS_PER_IMPORT } from '@mastercom/contracts';
import { generateRsaKeyPair, startMockEthoca, startMockPsp } from '@mastercom/testkit';
import pg from 'pg';
import { AlertTraffic, WEBHOOK_PATH } from '../alert-traffic.js';
import type { BenchReport } from '../bench-report.js';
import { startService } from '../child-processes.js';
import { httpRunFrom, persistenceOf, PhaseCpu } from '../measure.js';
import { runOpenLoop } from '../open-loop.js';
import {
  baseEnvironment,
  deliveryOf,
  OPEN_LOOP_TIMEOUT_MS,
  serviceNodeArgs,
  type ServiceContext,
} from './service-context.js';

const TERMINAL = ['OUTCOME_SENT', 'OUTCOME_FAILED'];

interface BacklogSample {
  readonly pending: number;
  readonly oldestPendingMs: number;
}

async function backlog(client: pg.Client, prefix: string): Promise<BacklogSample> {
  const result = await client.query<{ pending: string; oldest: string | null }>(
    `SELECT count(*) AS pending,
            extract(epoch FROM now() - min(received_at)) * 1000 AS oldest
       FROM alerts
      WHERE alert_id LIKE $1 AND status <> ALL($2::text[])`,
    [`${prefix}%`, TERMINAL],
  );
  return {
    pending: Number(result.rows[0]?.pending ?? 0),
    oldestPendingMs: Number(result.rows[0]?.oldest ?? 0),
  };
}

/**
 * Phase 4: the service's web and worker roles against the mock Ethoca Outcome API and the mock PSP,
 * on a database of its own (the web phase left unprocessed jobs behind). Half of the alerts get a
 * matching merchant transaction first, so refunds and stops go through the PSP; the rest end
 * NOT_FOUND. Latency is each alert's `received_at` to its OUTCOME_SENT event.
 */
export async function measureAlertToOutcome(
  context: ServiceContext,
  databaseUrl: string,
): Promise<BenchReport['alertToOutcome']> {
  const { settings, progress } = context;
  const keys = generateRsaKeyPair();
  const keyPath = join(context.reportDir, 'bench-signing-key.pem');
  // The key is generated for this run and lives in the run's report directory only.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  await writeFile(keyPath, keys.privateKeyPem, { mode: 0o600 });
  const consumerKey = 'bench-consumer-key';
  const ethoca = await startMockEthoca({
    publicKeyPem: createPublicKey(keys.privateKeyPem)
      .export({ type: 'spki', format: 'pem' })
      .toString(),
    consumerKey,
    host: '127.0.0.1',
    port: 0,
  });
  const psp = await startMockPsp({ host: '127.0.0.1', port: 0 });
  // As production runs it (k8s/base): the receiver and the worker in processes of their own.
  const service = await startService(
    { ...baseEnvironment(context, databaseUrl), SERVICE_ROLE: 'web' },
    join(context.reportDir, 'service-outcome-web.log'),
    { nodeArgs: serviceNodeArgs(context, 'service-outcome-web') },
  );
  const worker = await startService(
    {
      ...baseEnvironment(context, databaseUrl),
      SERVICE_ROLE: 'worker',
      ETHOCA_OUTCOME_URL: ethoca.url,
      PSP_URL: psp.url,
      MASTERCARD_CONSUMER_KEY: consumerKey,
      MASTERCARD_SIGNING_KEY_PEM_PATH: keyPath,
    },
    join(context.reportDir, 'service-outcome-worker.log'),
    { nodeArgs: serviceNodeArgs(context, 'service-outcome-worker') },
  ).catch(async (error: unknown) => {
    await service.stop();
    throw error;
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let sampler: NodeJS.Timeout | undefined;
  try {
    progress(
      `service ready: web ${service.url}, worker pid ${worker.pid}; mock Ethoca ${ethoca.url}, mock PSP ${psp.url}`,
    );
    const traffic = new AlertTraffic(context.secret, Date.now() + 3);
    const planned = traffic.prepare(Math.ceil(settings.outcomeRate * settings.phaseSeconds * 1.2));
    const transactions = planned
      .filter((_alert, index) => index % 2 === 0)
      .map((alert) => transactionForAlert(alert));
    for (let start = 0; start < transactions.length; start += MAX_TRANSACTIONS_PER_IMPORT) {
      const response = await fetch(`${service.url}/api/v6/transactions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${context.apiToken}`,
        },
        body: JSON.stringify({
          transactions: transactions.slice(start, start + MAX_TRANSACTIONS_PER_IMPORT),
        }),
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) {
        throw new Error(
          `recording transactions failed: HTTP ${response.status} ${await response.text()}`,
        );
      }
    }
    progress(`recorded ${transactions.length} merchant transactions (half the alerts will match)`);

    const samples: BacklogSample[] = [];
    let sampling = false;
    sampler = setInterval(() => {
      if (sampling) return;
      sampling = true;
      void backlog(client, traffic.prefix)
        .then((sample) => samples.push(sample))
        .finally(() => {
          sampling = false;
        });
    }, 500);

    const cpu = new PhaseCpu([service.pid, worker.pid], context.postgresPort);
    await cpu.start();
    const run = await runOpenLoop(
      {
        url: service.url,
        path: WEBHOOK_PATH,
        ratePerSecond: settings.outcomeRate,
        durationSeconds: settings.phaseSeconds,
        maxConnections: settings.outcomeConnections,
        timeoutMs: OPEN_LOOP_TIMEOUT_MS,
      },
      () => deliveryOf(traffic),
      'alert to outcome',
      progress,
    );
    const sendingStopped = performance.now();
    const drainDeadline = sendingStopped + settings.drainTimeoutSeconds * 1000;
    let last = await backlog(client, traffic.prefix);
    while (last.pending > 0 && performance.now() < drainDeadline) {
      progress(`  draining: ${last.pending} alerts without a final outcome yet`);
      await sleep(500);
      last = await backlog(client, traffic.prefix);
    }
    const drainSeconds = (performance.now() - sendingStopped) / 1000;
    const phaseCpu = await cpu.stop();
    clearInterval(sampler);
    sampler = undefined;
    // The counts below come from one frozen state: a worker still deciding and sending after a
    // drain that timed out moved alerts to OUTCOME_SENT between two reads, so one alert could be
    // counted both pending and sent. It stops gracefully: what it had in hand it finishes.
    await worker.stop();
    const persistence = await persistenceOf(databaseUrl, traffic);

    // Receipt to OUTCOME_SENT, and its two halves: receipt to decision (OUTCOME_PENDING, the
    // worker) and decision to sent (the dispatcher), in one pass over the phase's events.
    const latency = await client.query<{
      p50: number | null;
      p99: number | null;
      max: number | null;
      decided_p50: number | null;
      decided_p99: number | null;
      sent_p50: number | null;
      sent_p99: number | null;
    }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY total_ms) AS p99,
              max(total_ms) AS max,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY decided_ms) AS decided_p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY decided_ms) AS decided_p99,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY sent_ms) AS sent_p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY sent_ms) AS sent_p99
         FROM (SELECT extract(epoch FROM s.at - a.received_at)::float8 * 1000 AS total_ms,
                      extract(epoch FROM d.at - a.received_at)::float8 * 1000 AS decided_ms,
                      extract(epoch FROM s.at - d.at)::float8 * 1000 AS sent_ms
                 FROM alerts a
                 JOIN alert_events s ON s.alert_id = a.alert_id AND s.to_status = 'OUTCOME_SENT'
                 JOIN alert_events d ON d.alert_id = a.alert_id AND d.to_status = 'OUTCOME_PENDING'
                WHERE a.alert_id LIKE $1) AS outcome_latency`,
      [`${traffic.prefix}%`],
    );
    const statuses = await client.query<{ status: string; count: string }>(
      'SELECT status, count(*) AS count FROM alerts WHERE alert_id LIKE $1 GROUP BY status',
      [`${traffic.prefix}%`],
    );
    const byStatus = Object.fromEntries(
      statuses.rows.map((row) => [row.status, Number(row.count)]),
    );
    const outcomeSent = byStatus.OUTCOME_SENT ?? 0;
    const pendingByStatus = Object.fromEntries(
      Object.entries(byStatus).filter(([status]) => !TERMINAL.includes(status)),
    );
    const busySeconds = run.result.duration + drainSeconds;
    const row = latency.rows[0];
    return {
      targetRate: settings.outcomeRate,
      send: httpRunFrom(run, settings.outcomeConnections),
      persistence,
      transactionsRecorded: transactions.length,
      outcomeSent,
      outcomeFailed: byStatus.OUTCOME_FAILED ?? 0,
      pendingAtEnd: Object.values(pendingByStatus).reduce((sum, count) => sum + count, 0),
      pendingByStatus,
      latencyMs: {
        p50: row?.p50 ?? 0,
        p99: row?.p99 ?? 0,
        max: row?.max ?? 0,
      },
      stagesMs: {
        decided: { p50: row?.decided_p50 ?? 0, p99: row?.decided_p99 ?? 0 },
        sentAfterDecision: { p50: row?.sent_p50 ?? 0, p99: row?.sent_p99 ?? 0 },
      },
      queueLag: {
        maxBacklog: Math.max(0, ...samples.map((sample) => sample.pending)),
        maxOldestPendingMs: Math.max(0, ...samples.map((sample) => sample.oldestPendingMs)),
        drainSeconds,
        workerAlertsPerSecond:
          busySeconds > 0 ? (outcomeSent + (byStatus.OUTCOME_FAILED ?? 0)) / busySeconds : 0,
      },
      ethocaOutcomesRecorded: [...ethoca.state.outcomes.values()].filter(
        (entry) => entry.outcome !== undefined,
      ).length,
      pspRefundRequests: psp.state.received.length,
      cpu: phaseCpu,
    };
  } finally {
    if (sampler !== undefined) clearInterval(sampler);
    await client.end();
    await Promise.all([service.stop(), worker.stop()]);
    await ethoca.close();
    await psp.close();
  }
}
