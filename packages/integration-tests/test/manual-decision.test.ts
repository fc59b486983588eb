import { manualOutcomeResponseSchema, problemDetailsSchema } from '@mastercom/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '@mastercom/service-harness';
import type { ServiceProcess } from '@mastercom/service-harness';
import { steeredAlerts, type SteeredAlert } from './support/steering.js';

const h = useHarness();
let service: ServiceProcess;
let fraud: SteeredAlert[];
let dispute: SteeredAlert[];

beforeAll(async () => {
  // Ten hours: unmatched alerts wait for an agent for the whole file.
  service = await h.startService('all', { UNMATCHED_HOLD_MINUTES: '600' });
  const unmatched = steeredAlerts(7000, 12, ['not-found']);
  fraud = unmatched.filter((item) => item.alert.alertType === 'CONFIRMEDFRAUD');
  dispute = unmatched.filter((item) => item.alert.alertType === 'CUSTOMERDISPUTE');
  const ids = unmatched.map((item) => item.alert.alertId);
  await h.client(() => service.url).deliver(unmatched.map((item) => item.alert));
  await h.waitForStatus(ids, 'UNMATCHED', {
    timeoutMs: 20_000,
    context: () => service.outputTail(),
  });
});

describe('an unmatched alert inside the hold', () => {
  it('waits for an agent: no outcome is decided or sent by the rules', async () => {
    // Several flush intervals and worker polls pass; nothing may move.
    await sleep(1500);
    const ids = [...fraud, ...dispute].map((item) => item.alert.alertId);
    expect(new Set((await h.statuses(ids)).values())).toEqual(new Set(['UNMATCHED']));
    const outcomes = await h.query('SELECT alert_id FROM alert_outcomes WHERE alert_id = ANY($1)', [
      ids,
    ]);
    expect(outcomes).toEqual([]);
    expect(h.ethoca.state.received).toHaveLength(0);
  });
});

describe('an agent’s decision', () => {
  it('is accepted with 202 and delivered to Ethoca as the agent wrote it', async () => {
    expect(fraud.length).toBeGreaterThanOrEqual(2);
    expect(dispute.length).toBeGreaterThanOrEqual(1);
    const client = h.client(() => service.url);
    const decisions = [
      {
        id: fraud[0]!.alert.alertId,
        body: {
          outcome: 'ACCOUNT_SUSPENDED',
          refundStatus: 'NOT_REFUNDED',
          comments: 'cardholder account suspended by the merchant',
        },
      },
      {
        id: dispute[0]!.alert.alertId,
        body: {
          outcome: 'RESOLVED',
          refundStatus: 'REFUNDED',
          refund: { amount: { value: 12.5, currencyCode: 'USD' }, type: 'VOUCHER' },
          comments: 'voucher issued by customer care',
        },
      },
    ];
    for (const decision of decisions) {
      const response = await client.postOutcome(decision.id, decision.body);
      expect(response.status).toBe(202);
      expect(manualOutcomeResponseSchema.parse(response.body)).toEqual({
        alertId: decision.id,
        status: 'OUTCOME_PENDING',
        outcome: decision.body.outcome,
      });
    }
    const ids = decisions.map((decision) => decision.id);
    await h.waitForStatus(ids, 'OUTCOME_SENT', {
      timeoutMs: 20_000,
      context: () => service.outputTail(),
    });

    for (const decision of decisions) {
      const recorded = h.ethoca.state.outcomes.get(decision.id);
      expect(recorded?.attempts).toBe(1);
      expect(recorded?.outcome).toMatchObject({
        alertId: decision.id,
        outcome: decision.body.outcome,
        refundStatus: decision.body.refundStatus,
        comments: decision.body.comments,
      });
    }
    expect(h.ethoca.state.outcomes.get(ids[1]!)?.outcome?.refund).toMatchObject({
      amount: { value: 12.5, currencyCode: 'USD' },
      type: 'VOUCHER',
    });
    const stored = await h.query<{ decided_by: string; state: string }>(
      'SELECT decided_by, state FROM alert_outcomes WHERE alert_id = ANY($1)',
      [ids],
    );
    expect(stored).toEqual([
      { decided_by: 'agent', state: 'SENT' },
      { decided_by: 'agent', state: 'SENT' },
    ]);
    const detail = await client.getAlert(ids[0]!);
    expect(detail.events.map((event) => [event.toStatus, event.actor])).toEqual([
      ['RECEIVED', 'system'],
      ['UNMATCHED', 'rule'],
      ['OUTCOME_PENDING', 'agent'],
      ['OUTCOME_SENT', 'system'],
    ]);
  });

  it('is refused with 409 the second time, and the first outcome stands', async () => {
    const client = h.client(() => service.url);
    const id = fraud[0]!.alert.alertId;
    const again = await client.postOutcome(id, {
      outcome: 'STOPPED',
      refundStatus: 'NOT_REFUNDED',
    });
    expect(again.status).toBe(409);
    expect(problemDetailsSchema.parse(again.body).status).toBe(409);

    // A second agent racing on a still-open alert: exactly one of the two decisions wins.
    const open = fraud[1]!.alert.alertId;
    const raced = await Promise.all([
      client.postOutcome(open, { outcome: 'OTHER', refundStatus: 'NOT_REFUNDED' }),
      client.postOutcome(open, { outcome: 'MISSED', refundStatus: 'NOT_REFUNDED' }),
    ]);
    expect(raced.map((response) => response.status).sort()).toEqual([202, 409]);
    await h.waitForStatus([id, open], 'OUTCOME_SENT', {
      timeoutMs: 20_000,
      context: () => service.outputTail(),
    });
    expect(h.ethoca.state.outcomes.get(id)?.outcome?.outcome).toBe('ACCOUNT_SUSPENDED');
    expect(h.ethoca.state.outcomes.get(open)?.attempts).toBe(1);
    const winner = raced.find((response) => response.status === 202)!;
    expect(h.ethoca.state.outcomes.get(open)?.outcome?.outcome).toBe(
      manualOutcomeResponseSchema.parse(winner.body).outcome,
    );
  });

  it('is refused with 400 when the outcome does not apply to the alert type, and nothing changes', async () => {
    const client = h.client(() => service.url);
    const fraudId = fraud.at(-1)!.alert.alertId;
    const disputeId = dispute.at(-1)!.alert.alertId;
    const wrong = [
      await client.postOutcome(fraudId, { outcome: 'RESOLVED', refundStatus: 'NOT_REFUNDED' }),
      await client.postOutcome(disputeId, { outcome: 'STOPPED', refundStatus: 'NOT_REFUNDED' }),
    ];
    expect(wrong.map((response) => response.status)).toEqual([400, 400]);
    expect(problemDetailsSchema.parse(wrong[0]!.body).detail).toContain('CONFIRMEDFRAUD');
    const statuses = await h.statuses([fraudId, disputeId]);
    expect([...statuses.values()]).toEqual(['UNMATCHED', 'UNMATCHED']);
    const outcomes = await h.query('SELECT alert_id FROM alert_outcomes WHERE alert_id = ANY($1)', [
      [fraudId, disputeId],
    ]);
    expect(outcomes).toEqual([]);
  });
});
