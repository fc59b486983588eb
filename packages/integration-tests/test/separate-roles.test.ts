import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '@mastercom/service-harness';
import type { ServiceProcess } from '@mastercom/service-harness';
import { expectedOutcome, steeredAlerts, transactionsOf } from './support/steering.js';

const h = useHarness();
let web: ServiceProcess;
let worker: ServiceProcess;

beforeAll(async () => {
  // The web role gets nothing it could process with: empty variables count as unset.
  web = await h.startService('web', {
    SERVICE_ROLE: 'web',
    PSP_URL: '',
    ETHOCA_OUTCOME_URL: '',
    MASTERCARD_CONSUMER_KEY: '',
    MASTERCARD_SIGNING_KEY_PEM_PATH: '',
  });
});

describe('a web process and a worker process on one database', () => {
  const first = steeredAlerts(17_000, 40);
  const firstIds = first.map((item) => item.alert.alertId);

  it('web stores and acknowledges alerts and enqueues them, but does not process them', async () => {
    const client = h.client(() => web.url);
    await client.recordTransactions(transactionsOf(first));
    await client.deliver(first.map((item) => item.alert));
    // Long enough for a worker in the same process to have matched them many times over.
    await sleep(1500);
    expect(new Set((await h.statuses(firstIds)).values())).toEqual(new Set(['RECEIVED']));
    const jobs = await h.query<{ state: string; n: number }>(
      `SELECT state::text, count(*)::int AS n FROM pgboss.job
        WHERE name = 'process-alert' AND data->>'alertId' = ANY($1) GROUP BY state`,
      [firstIds],
    );
    expect(jobs).toEqual([{ state: 'created', n: firstIds.length }]);
    expect(h.ethoca.state.received).toHaveLength(0);
    expect(h.psp.state.received).toHaveLength(0);
    expect(web.output.some((line) => line.text.includes('processing is off: web role'))).toBe(true);
  });

  it('a worker started later processes what web received', async () => {
    worker = await h.startService('worker', { SERVICE_ROLE: 'worker' });
    await h.waitForStatus(firstIds, 'OUTCOME_SENT', {
      timeoutMs: 30_000,
      context: () => worker.outputTail(),
    });
    expect(
      first.map((item) => {
        const recorded = h.ethoca.state.outcomes.get(item.alert.alertId);
        return {
          attempts: recorded?.attempts,
          outcome: recorded?.outcome?.outcome,
          refundStatus: recorded?.outcome?.refundStatus,
        };
      }),
    ).toEqual(first.map((item) => ({ attempts: 1, ...expectedOutcome(item) })));
  });

  it('keeps processing alerts web receives while both run', async () => {
    const more = steeredAlerts(18_000, 20);
    const ids = more.map((item) => item.alert.alertId);
    const client = h.client(() => web.url);
    await client.recordTransactions(transactionsOf(more));
    await client.deliver(more.map((item) => item.alert));
    await h.waitForStatus(ids, 'OUTCOME_SENT', {
      timeoutMs: 30_000,
      context: () => `${web.outputTail(20)}\n${worker.outputTail()}`,
    });
    expect(ids.map((id) => h.ethoca.state.outcomes.get(id)?.attempts)).toEqual(ids.map(() => 1));
    // Each role logged its own start line.
    expect(web.output.some((line) => line.text.includes('(web) ready on'))).toBe(true);
    expect(worker.output.some((line) => line.text.includes('(worker) ready on'))).toBe(true);
  });
});
