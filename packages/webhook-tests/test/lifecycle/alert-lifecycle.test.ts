import {
  alertMove,
  alertMovesCtes,
  ARRIVAL_STATUS,
  canMove,
  IllegalTransitionError,
  moveAlert,
  noteAlertEvent,
  type AlertMove,
  type AlertPath,
} from '@mastercom/service';
import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { alertState, eventTrail, storeAlerts, usdAlert } from '../support/processing.js';
import { useTestApp } from '../support/test-app.js';

// The lifecycle module on real PostgreSQL: the arrival default, batch paths, the gate a caller
// hangs a move on, notes, and many batch statements racing on the same alerts.
const t = useTestApp();

const MATCH = alertMove('RECEIVED', 'MATCHED');
const UNMATCH = alertMove('RECEIVED', 'UNMATCHED');
const RESERVE = alertMove('MATCHED', 'REFUND_REQUESTED');
const ACTION = alertMove('REFUND_REQUESTED', 'ACTIONED');
const DECIDE_ACTIONED = alertMove('ACTIONED', 'OUTCOME_PENDING');
const DECIDE_MATCHED = alertMove('MATCHED', 'OUTCOME_PENDING');
const DECIDE_UNMATCHED = alertMove('UNMATCHED', 'OUTCOME_PENDING');
const SEND = alertMove('OUTCOME_PENDING', 'OUTCOME_SENT');

let seed = 9_100_000;
async function newAlerts(count: number): Promise<string[]> {
  const alerts = Array.from({ length: count }, () => usdAlert((seed += 1)));
  await storeAlerts(t, alerts);
  return alerts.map((alert) => alert.alertId);
}

async function runMoves(paths: readonly AlertPath[], onlyWhere?: boolean): Promise<string[]> {
  const { rows } = await sql<{ alert_id: string }>`
    WITH ${alertMovesCtes({
      actor: 'rule',
      paths,
      ...(onlyWhere === undefined ? {} : { onlyWhere: sql`${onlyWhere}` }),
    })}
    SELECT alert_id FROM moved ORDER BY alert_id
  `.execute(t.db);
  return rows.map((row) => row.alert_id);
}

describe('alert lifecycle on PostgreSQL', () => {
  it('stores a new alert in the arrival status, which is the column default', async () => {
    const [id] = await newAlerts(1);
    const [column] = await t.query<{ column_default: string }>(
      `SELECT column_default FROM information_schema.columns
        WHERE table_name = 'alerts' AND column_name = 'status'`,
    );
    expect(column?.column_default).toBe(`'${ARRIVAL_STATUS}'::text`);
    expect((await alertState(t, id!))?.status).toBe(ARRIVAL_STATUS);
    expect(await eventTrail(t, id!)).toEqual([
      expect.objectContaining({ from_status: null, to_status: ARRIVAL_STATUS, actor: 'system' }),
    ]);
  });

  it('moves a batch along multi-step paths, one event per step in order, only from where each alert is', async () => {
    const [a, b, c] = await newAlerts(3);
    await moveAlert(t.db, MATCH, { alertId: c!, actor: 'rule', reason: 'setup' });
    await moveAlert(t.db, RESERVE, { alertId: c!, actor: 'rule', reason: 'setup' });
    const moved = await runMoves([
      { alertId: a!, steps: [{ move: UNMATCH, reason: 'no match', detail: { tried: 2 } }] },
      // b is RECEIVED, not MATCHED: this path finds it elsewhere and writes nothing for it.
      { alertId: b!, steps: [{ move: DECIDE_MATCHED, reason: 'stale' }] },
      {
        alertId: c!,
        steps: [
          { move: ACTION, reason: 'refunded' },
          { move: DECIDE_ACTIONED, reason: 'decided' },
        ],
      },
    ]);
    expect(moved).toEqual([a, c].sort());
    expect((await alertState(t, a!))?.status).toBe('UNMATCHED');
    expect((await alertState(t, b!))?.status).toBe('RECEIVED');
    expect((await alertState(t, c!))?.status).toBe('OUTCOME_PENDING');
    expect((await eventTrail(t, a!)).slice(1)).toEqual([
      {
        from_status: 'RECEIVED',
        to_status: 'UNMATCHED',
        actor: 'rule',
        reason: 'no match',
        detail: { tried: 2 },
      },
    ]);
    expect(await eventTrail(t, b!)).toHaveLength(1);
    expect(
      (await eventTrail(t, c!)).slice(3).map((e) => [e.from_status, e.to_status, e.reason]),
    ).toEqual([
      ['REFUND_REQUESTED', 'ACTIONED', 'refunded'],
      ['ACTIONED', 'OUTCOME_PENDING', 'decided'],
    ]);
  });

  it('moves nothing that the caller’s gate leaves out', async () => {
    const [id] = await newAlerts(1);
    expect(
      await runMoves([{ alertId: id!, steps: [{ move: MATCH, reason: 'gated' }] }], false),
    ).toEqual([]);
    expect((await alertState(t, id!))?.status).toBe('RECEIVED');
    expect(await eventTrail(t, id!)).toHaveLength(1);
  });

  it('refuses a broken path or a forbidden move before any SQL, changing nothing', async () => {
    const [id] = await newAlerts(1);
    expect(() =>
      alertMovesCtes({
        actor: 'rule',
        paths: [
          {
            alertId: id!,
            steps: [
              { move: MATCH, reason: 'x' },
              { move: DECIDE_UNMATCHED, reason: 'y' },
            ],
          },
        ],
      }),
    ).toThrow(IllegalTransitionError);
    const forbidden = { from: 'RECEIVED', to: 'OUTCOME_SENT' } as unknown as AlertMove;
    expect(() =>
      alertMovesCtes({
        actor: 'rule',
        paths: [{ alertId: id!, steps: [{ move: forbidden, reason: 'x' }] }],
      }),
    ).toThrow(/RECEIVED -> OUTCOME_SENT/);
    await expect(
      moveAlert(t.db, forbidden, { alertId: id!, actor: 'rule', reason: 'x' }),
    ).rejects.toThrow(IllegalTransitionError);
    expect(await eventTrail(t, id!)).toHaveLength(1);
  });

  it('notes an event that leaves the alert where it is', async () => {
    const [id] = await newAlerts(1);
    await moveAlert(t.db, UNMATCH, { alertId: id!, actor: 'rule', reason: 'setup' });
    expect(
      await noteAlertEvent(t.db, { alertId: id!, actor: 'system', reason: 'became a chargeback' }),
    ).toBe(true);
    expect(
      await noteAlertEvent(t.db, { alertId: 'NO-SUCH-ALERT', actor: 'system', reason: 'x' }),
    ).toBe(false);
    expect((await eventTrail(t, id!)).at(-1)).toMatchObject({
      from_status: 'UNMATCHED',
      to_status: 'UNMATCHED',
      reason: 'became a chargeback',
    });
    expect((await alertState(t, id!))?.status).toBe('UNMATCHED');
  });

  // Every path a caller of the lifecycle takes, as batch statements race to take them.
  const PATHS: readonly (readonly AlertMove[])[] = [
    [MATCH],
    [UNMATCH],
    [RESERVE],
    [ACTION, DECIDE_ACTIONED],
    [DECIDE_MATCHED],
    [DECIDE_UNMATCHED],
    [SEND],
  ];

  it('keeps every trail a chain of allowed moves ending at the alert’s status, whatever races', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.tuple(fc.nat(3), fc.nat(PATHS.length - 1)), { maxLength: 6 }), {
          minLength: 2,
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 3 }),
        async (workers, rounds) => {
          const ids = await newAlerts(4);
          for (let round = 0; round < rounds; round += 1) {
            // Each worker is one statement on its own connection; all of them start together.
            await Promise.all(
              workers.map((picks) =>
                runMoves(
                  [...new Map(picks.map(([alert, path]) => [alert, path])).entries()].map(
                    ([alert, path]) => ({
                      alertId: ids[alert]!,
                      steps: PATHS[path]!.map((move) => ({
                        move,
                        reason: `round ${String(round)}`,
                      })) as [{ move: AlertMove; reason: string }],
                    }),
                  ),
                ),
              ),
            );
          }
          for (const id of ids) {
            const trail = await eventTrail(t, id);
            expect(trail[0]).toMatchObject({ from_status: null, to_status: ARRIVAL_STATUS });
            for (let i = 1; i < trail.length; i += 1) {
              expect(trail[i]!.from_status).toBe(trail[i - 1]!.to_status);
              expect(canMove(trail[i]!.from_status as never, trail[i]!.to_status as never)).toBe(
                true,
              );
            }
            expect((await alertState(t, id))?.status).toBe(trail.at(-1)?.to_status);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
