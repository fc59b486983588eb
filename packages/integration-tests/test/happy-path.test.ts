import {
  IDEMPOTENCY_KEY_HEADER,
  outcomesForAlertType,
  PSP_REFUNDS_PATH,
  type AlertOutcome,
} from '@mastercom/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '@mastercom/service-harness';
import type { ServiceProcess } from '@mastercom/service-harness';
import {
  expectedOutcome,
  PSP_RULES,
  steeredAlerts,
  transactionsOf,
  type SteeredAlert,
} from './support/steering.js';

const h = useHarness();
let service: ServiceProcess;

beforeAll(async () => {
  service = await h.startService('all');
});

/** The outcome row the service stored for each alert, as it was queued for Ethoca. */
async function storedOutcomes(ids: readonly string[]): Promise<Map<string, AlertOutcome>> {
  const rows = await h.query<{ alert_id: string; outcome: AlertOutcome }>(
    'SELECT alert_id, outcome FROM alert_outcomes WHERE alert_id = ANY($1)',
    [ids],
  );
  return new Map(rows.map((row) => [row.alert_id, row.outcome]));
}

describe('60 matched alerts, steered through every row of the decision table', () => {
  let steered: SteeredAlert[];
  let ids: string[];

  beforeAll(async () => {
    steered = steeredAlerts(1000, 60);
    ids = steered.map((item) => item.alert.alertId);
    for (const item of steered) {
      if (item.rule === 'not-settled') h.psp.state.markUnsettled(item.transaction!.transactionId);
    }
    const client = h.client(() => service.url);
    await client.recordTransactions(transactionsOf(steered));
    await client.deliver(steered.map((item) => item.alert));
    await h.waitForStatus(ids, 'OUTCOME_SENT', {
      timeoutMs: 30_000,
      context: () => service.outputTail(),
    });
  });

  it('covers both alert types and every matched rule', () => {
    expect(new Set(steered.map((item) => item.alert.alertType))).toEqual(
      new Set(['CONFIRMEDFRAUD', 'CUSTOMERDISPUTE']),
    );
    expect(new Set(steered.map((item) => item.rule)).size).toBe(5);
  });

  it('sends every outcome in signed batches of at most 25, none refused', () => {
    const requests = h.ethoca.state.received;
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.filter((request) => request.status === 401)).toHaveLength(0);
    for (const request of requests) {
      expect(request.status).toBe(200);
      expect(request.headers.authorization).toMatch(/^OAuth .*oauth_body_hash=/);
      const outcomes = (request.body as { outcomes: unknown[] }).outcomes;
      expect(outcomes.length).toBeGreaterThanOrEqual(1);
      expect(outcomes.length).toBeLessThanOrEqual(25);
    }
  });

  it('delivers each alert’s outcome exactly once, the outcome the service decided', async () => {
    const sent = h.outcomesSent();
    const stored = await storedOutcomes(ids);
    expect(
      ids.map((id) => ({
        id,
        sent: sent.get(id)?.length,
        attempts: h.ethoca.state.outcomes.get(id)?.attempts,
        recorded: h.ethoca.state.outcomes.get(id)?.outcome,
      })),
    ).toEqual(ids.map((id) => ({ id, sent: 1, attempts: 1, recorded: stored.get(id) })));
    expect(sent.size).toBe(ids.length);
  });

  it('answers what the decision table says for each steered transaction', () => {
    const answered = steered.map((item) => {
      const recorded = h.ethoca.state.outcomes.get(item.alert.alertId)?.outcome;
      return {
        id: item.alert.alertId,
        rule: item.rule,
        outcome: recorded?.outcome,
        refundStatus: recorded?.refundStatus,
        validForType: outcomesForAlertType(item.alert.alertType).some(
          (code) => code === recorded?.outcome,
        ),
      };
    });
    expect(answered).toEqual(
      steered.map((item) => ({
        id: item.alert.alertId,
        rule: item.rule,
        ...expectedOutcome(item),
        validForType: true,
      })),
    );
  });

  it('asks the PSP once per refunded or voided alert, keyed by the alert id, and never otherwise', () => {
    const requests = h.psp.state.received.filter(
      (request) => request.method === 'POST' && request.path === PSP_REFUNDS_PATH,
    );
    const byAlert = new Map<string, number>();
    for (const request of requests) {
      const body = request.body as { alertId: string };
      expect(request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]).toBe(body.alertId);
      byAlert.set(body.alertId, (byAlert.get(body.alertId) ?? 0) + 1);
    }
    const refunds = [...h.psp.state.refunds.values()];
    const pspView = (item: SteeredAlert) => ({
      id: item.alert.alertId,
      rule: item.rule,
      calls: byAlert.get(item.alert.alertId) ?? 0,
      refunds: refunds
        .filter((refund) => refund.transactionId === item.transaction!.transactionId)
        .map((refund) => refund.status),
    });
    const expectedStatus: Partial<Record<SteeredAlert['rule'], string>> = {
      'not-fulfilled': 'SUCCEEDED',
      'refund-under-ceiling': 'SUCCEEDED',
      'not-settled': 'NOT_SETTLED',
    };
    expect(steered.map(pspView)).toEqual(
      steered.map((item) => ({
        id: item.alert.alertId,
        rule: item.rule,
        calls: PSP_RULES.has(item.rule) ? 1 : 0,
        refunds: PSP_RULES.has(item.rule) ? [expectedStatus[item.rule]] : [],
      })),
    );
  });

  it('shows each alert’s path through the state machine on GET /api/v6/alerts/:id', async () => {
    const client = h.client(() => service.url);
    const paths: Record<string, string[]> = {};
    for (const item of steered.slice(0, 5)) {
      const detail = await client.getAlert(item.alert.alertId);
      expect(detail.status).toBe('OUTCOME_SENT');
      paths[item.rule] = detail.events.map((event) => event.toStatus);
    }
    const refunded = [
      'RECEIVED',
      'MATCHED',
      'REFUND_REQUESTED',
      'ACTIONED',
      'OUTCOME_PENDING',
      'OUTCOME_SENT',
    ];
    const decidedWithoutPsp = ['RECEIVED', 'MATCHED', 'OUTCOME_PENDING', 'OUTCOME_SENT'];
    expect(paths).toEqual({
      'not-fulfilled': refunded,
      'refund-under-ceiling': refunded,
      'not-settled': refunded,
      'over-ceiling': decidedWithoutPsp,
      'previously-refunded': decidedWithoutPsp,
    });
  });
});

describe('alerts without a merchant transaction', () => {
  it('are answered NOT_FOUND, NOT_REFUNDED without calling the PSP', async () => {
    const steered = steeredAlerts(5000, 12, ['not-found']);
    const ids = steered.map((item) => item.alert.alertId);
    const pspCallsBefore = h.psp.state.received.length;
    await h.client(() => service.url).deliver(steered.map((item) => item.alert));
    await h.waitForStatus(ids, 'OUTCOME_SENT', {
      timeoutMs: 30_000,
      context: () => service.outputTail(),
    });
    expect(
      ids.map((id) => {
        const recorded = h.ethoca.state.outcomes.get(id);
        return [recorded?.attempts, recorded?.outcome?.outcome, recorded?.outcome?.refundStatus];
      }),
    ).toEqual(ids.map(() => [1, 'NOT_FOUND', 'NOT_REFUNDED']));
    const events = await h.query<{ to_status: string; n: number }>(
      `SELECT to_status, count(*)::int AS n FROM alert_events WHERE alert_id = ANY($1)
        GROUP BY to_status ORDER BY to_status`,
      [ids],
    );
    expect(events).toEqual([
      { to_status: 'OUTCOME_PENDING', n: 12 },
      { to_status: 'OUTCOME_SENT', n: 12 },
      { to_status: 'RECEIVED', n: 12 },
      { to_status: 'UNMATCHED', n: 12 },
    ]);
    expect(h.psp.state.received.length).toBe(pspCallsBefore);
  });
});
