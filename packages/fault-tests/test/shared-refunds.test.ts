import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { outcomesForAlertType, type AlertOutcome } from '@mastercom/contracts';
import { SeededRandom } from '@mastercom/contracts/fixtures';
import { useHarness, type OutputLine, type ServiceProcess } from '@mastercom/service-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAndRecord } from './support/card-scan.js';
import {
  keysReusedForOtherAmounts,
  ledgerMismatches,
  overRefunds,
  pspRefundsByAlert,
  unrecordedRefunds,
  type OverRefund,
  type RefundRow,
} from './support/refund-checks.js';
import { recordRow } from './support/report.js';
import { SIZES } from './support/scale.js';
import { scenarioSeed, seedFor } from './support/seed.js';
import { startLoggedService } from './support/service.js';
import { alertGroups } from './support/shared-transactions.js';

const h = useHarness();
const size = SIZES.sharedRefunds;
const PREFIX = 'SHR';
const SEED = scenarioSeed('shared refunds');
const groups = alertGroups(PREFIX, size.groups, seedFor(SEED, 'data'));
const alerts = groups.flatMap((group) => group.alerts);
const ids = alerts.map((alert) => alert.alertId);
const logs: OutputLine[] = [];

/**
 * The worker gives up on the PSP after PSP_TIMEOUT_MS; a held answer comes a second later, after
 * the PSP has made the refund: the retried job must get that refund back under its key.
 */
const PSP_TIMEOUT_MS = 1_500;
const HELD_ANSWER_MS = PSP_TIMEOUT_MS + 1_000;
const TIMEOUT_SHARE = 0.15;
/** New refunds: confirmed, pending (completed later, most of them confirmed), refused. */
const PENDING_SHARE = 0.25;
const REFUSED_SHARE = 0.2;
const PENDING_CONFIRMED_SHARE = 0.8;
const workerEnv = { SERVICE_ROLE: 'worker', PSP_TIMEOUT_MS: String(PSP_TIMEOUT_MS) };

let web: ServiceProcess;
const workers: ServiceProcess[] = [];
const kills: { worker: number; atMs: number; undecided: number }[] = [];
const agentDecided = new Set<string>();
let left: string[] = [];
let settleMs = Number.NaN;
let over: OverRefund[] = [];

/** A uniform draw in [0, 1) for `name`, the same in every run with this seed. */
const draw = (name: string) => new SeededRandom(seedFor(SEED, name)).next();
/** What a check found, with the seed beside it, so a failure says how to replay it. */
const seeded = (found: readonly unknown[]) => ({ found, seed: SEED });

async function undecidedCount(): Promise<number> {
  const [row] = await h.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM alerts a
      WHERE alert_id = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM alert_outcomes o WHERE o.alert_id = a.alert_id)`,
    [ids],
  );
  return row?.n ?? -1;
}

/**
 * SIGKILLs `size.kills` workers at seeded moments of the first seconds, while alerts are being
 * worked, each a worker still running, and starts a new one in its place without waiting for it,
 * so the kills stay close together and the run short.
 */
async function killWorkers(started: number): Promise<void> {
  const random = new SeededRandom(seedFor(SEED, 'kills'));
  const moments = Array.from({ length: size.kills }, () => random.int(300, 3_000)).sort(
    (a, b) => a - b,
  );
  const restarts: Promise<void>[] = [];
  for (const moment of moments) {
    await sleep(Math.max(0, started + moment - Date.now()));
    const running = workers.flatMap((worker, index) => (worker.running ? [index] : []));
    if (running.length === 0) continue;
    const index = random.pick(running);
    const undecided = await undecidedCount();
    await workers[index]!.kill('SIGKILL');
    kills.push({ worker: index, atMs: Date.now() - started, undecided });
    restarts.push(
      startLoggedService(h, `worker-${String(index)}`, logs, workerEnv).then((worker) => {
        workers[index] = worker;
      }),
    );
  }
  await Promise.all(restarts);
}

/**
 * The PSP's back office: each pending refund is completed 0.3-1.5 s after it was made, confirmed or
 * refused by the seed, until `stop` says so.
 */
async function completePendingRefunds(stop: { done: boolean }): Promise<void> {
  while (!stop.done) {
    for (const refund of h.psp.state.refunds.values()) {
      if (refund.status !== 'PENDING') continue;
      const holdMs = 300 + draw(`hold ${refund.refundId}`) * 1_200;
      if (Date.now() - Date.parse(refund.createdAt) < holdMs) continue;
      h.psp.state.completeRefund(
        refund.refundId,
        draw(`complete ${refund.refundId}`) < PENDING_CONFIRMED_SHARE ? 'SUCCEEDED' : 'FAILED',
      );
    }
    await sleep(200);
  }
}

/**
 * Alerts still in the workers' hands: without an outcome row, unless MATCHED with a refund the
 * PSP refused, which an agent decides here (NOT_REFUNDED) as the desk would.
 */
async function inWorkersHands(): Promise<string[]> {
  const rows = await h.query<{ alert_id: string; status: string; decided: boolean }>(
    `SELECT a.alert_id, a.status,
            EXISTS (SELECT 1 FROM alert_outcomes o WHERE o.alert_id = a.alert_id) AS decided
       FROM alerts a WHERE a.alert_id = ANY($1)`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.alert_id, row]));
  const busy: string[] = [];
  for (const alert of alerts) {
    const row = byId.get(alert.alertId);
    if (row?.decided === true) continue;
    const refused = h.psp.state.refundFor(alert.alertId)?.status === 'FAILED';
    if (row?.status === 'MATCHED' && refused && !agentDecided.has(alert.alertId)) {
      const outcome = alert.alertType === 'CONFIRMEDFRAUD' ? 'MISSED' : 'UNRESOLVED_DISPUTE';
      expect(outcomesForAlertType(alert.alertType)).toContain(outcome);
      const answer = await h
        .client(() => web.url)
        .postOutcome(alert.alertId, {
          outcome,
          refundStatus: 'NOT_REFUNDED',
          comments: 'the PSP refused the refund',
        });
      if (answer.status === 202) agentDecided.add(alert.alertId);
    }
    busy.push(alert.alertId);
  }
  return busy;
}

/**
 * Waits, bounded, until no alert is in the workers' hands and every outcome reached Ethoca;
 * returns those that did not, with their status.
 */
async function settle(): Promise<string[]> {
  const deadline = Date.now() + size.settleMs;
  for (;;) {
    const busy = await inWorkersHands();
    const unsent = ids.filter((id) => h.ethoca.state.outcomes.get(id)?.outcome === undefined);
    const remaining = [...new Set([...busy, ...unsent])];
    if (remaining.length === 0 || Date.now() > deadline) {
      const statuses = await h.statuses(remaining);
      return remaining.map((id) => `${id} ${statuses.get(id) ?? 'MISSING'}`);
    }
    await sleep(250);
  }
}

beforeAll(async () => {
  h.psp.state.decideStatus((request) => {
    const choice = draw(`answer ${request.alertId}`);
    return choice < REFUSED_SHARE
      ? 'FAILED'
      : choice < REFUSED_SHARE + PENDING_SHARE
        ? 'PENDING'
        : 'SUCCEEDED';
  });
  h.psp.state.faults.failShare(
    TIMEOUT_SHARE,
    { kind: 'delay', ms: HELD_ANSWER_MS },
    seedFor(SEED, 'timeouts'),
  );
  const [startedWeb, ...startedWorkers] = await Promise.all([
    startLoggedService(h, 'web', logs, { SERVICE_ROLE: 'web' }),
    ...Array.from({ length: size.workers }, (_, index) =>
      startLoggedService(h, `worker-${String(index)}`, logs, workerEnv),
    ),
  ]);
  web = startedWeb!;
  workers.push(...startedWorkers);
  const client = h.client(() => web.url);
  await client.recordTransactions(groups.map((group) => group.transaction));

  const started = Date.now();
  const backOffice = { done: false };
  const completing = completePendingRefunds(backOffice);
  // Every group at once: one delivery holding the whole group, or one delivery per alert.
  const deliveries = Promise.all(
    groups.map((group) =>
      group.delivery === 'together'
        ? client.deliver(group.alerts, group.alerts.length)
        : Promise.all(group.alerts.map((alert) => client.deliver([alert]))),
    ),
  );
  await Promise.all([deliveries, killWorkers(started)]);
  left = await settle();
  settleMs = Date.now() - started;
  backOffice.done = true;
  await completing;
  over = overRefunds(groups, h.psp.state);
});

afterAll(async () => {
  await Promise.all([web, ...workers].map((service) => service.kill('SIGKILL')));
});

describe(`shared refunds: ${String(size.groups)} transactions with 2-4 alerts each, ${String(size.workers)} workers, ${String(size.kills)} kill -9`, () => {
  it('refunds no transaction beyond what the import left of it, by the PSP’s own ledger', async () => {
    const refunds = [...h.psp.state.refunds.values()];
    const count = (status: string) => refunds.filter((r) => r.status === status).length;
    await recordRow({
      scenario: '7 shared refunds',
      cases: ids.length,
      acknowledged: ids.length,
      lost: left.length,
      duplicates: over.length,
      serverErrors: 0,
      recoveryMs: { 'all settled': settleMs },
      notes: `seed ${String(SEED)}; ${String(size.groups)} transactions, ${String(kills.length)} kill -9 (${kills.map((k) => `worker ${String(k.worker)} at ${String(k.atMs)} ms, ${String(k.undecided)} undecided`).join('; ')}); PSP: ${String(count('SUCCEEDED'))} confirmed, ${String(count('FAILED'))} refused, ${String(count('PENDING'))} still pending, ${String(h.psp.state.received.filter((r) => r.fault === 'delay').length)} answers held past the timeout; ${String(agentDecided.size)} agent decisions; ${String(over.length)} transactions refunded beyond their amount`,
    });
    expect(seeded(over)).toEqual(seeded([]));
  });

  it('let every alert leave the workers’ hands and reach Ethoca within the bound', () => {
    expect(seeded(left)).toEqual(seeded([]));
  });

  it('recorded every refund the PSP confirmed once, and the ledger adds up', async () => {
    const rows = await h.query<RefundRow>(
      `SELECT alert_id, transaction_id, amount_value::text, amount_currency, status, psp_refund_id
         FROM alert_refunds WHERE alert_id = ANY($1)`,
      [ids],
    );
    const ledger = await h.query<{ transaction_id: string; refunded_value: string }>(
      `SELECT transaction_id, refunded_value::text FROM merchant_transactions
        WHERE transaction_id = ANY($1)`,
      [groups.map((group) => group.transaction.transactionId)],
    );
    expect(pspRefundsByAlert(groups, h.psp.state).size).toBeGreaterThan(0);
    expect(seeded(unrecordedRefunds(groups, h.psp.state, rows))).toEqual(seeded([]));
    expect(
      seeded(
        ledgerMismatches(
          groups,
          rows,
          new Map(ledger.map((row) => [row.transaction_id, row.refunded_value])),
        ),
      ),
    ).toEqual(seeded([]));
  });

  it('gave every alert one outcome, and Ethoca exactly that one', async () => {
    const stored = await h.query<{ alert_id: string; outcome: AlertOutcome; n: number }>(
      `SELECT alert_id, (array_agg(outcome))[1] AS outcome, count(*)::int AS n
         FROM alert_outcomes WHERE alert_id = ANY($1) GROUP BY alert_id`,
      [ids],
    );
    const byId = new Map(stored.map((row) => [row.alert_id, row]));
    const sent = h.outcomesSent();
    const wrong = ids.filter((id) => {
      const row = byId.get(id);
      const recorded = h.ethoca.state.outcomes.get(id)?.outcome;
      return (
        row?.n !== 1 ||
        recorded === undefined ||
        !isDeepStrictEqual(recorded, row.outcome) ||
        !(sent.get(id) ?? []).every((copy) => isDeepStrictEqual(copy, row.outcome))
      );
    });
    expect(seeded(wrong)).toEqual(seeded([]));
  });

  it('never sent the PSP one idempotency key with two amounts', () => {
    expect(seeded(keysReusedForOtherAmounts(h.psp.state))).toEqual(seeded([]));
  });

  it('stored and logged no full card number', async () => {
    const scan = await scanAndRecord(h, logs, 'shared refunds');
    expect(scan.linesScanned).toBeGreaterThan(0);
    expect(scan.found).toEqual([]);
  });
});
