import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { AlertsTable } from '../platform/database/database-schema.js';
import { jsonRows } from '../platform/database/json-rows.js';
import {
  ARRIVAL_STATUS,
  IllegalTransitionError,
  canMove,
  type Actor,
  type AlertMove,
} from './alert-moves.js';

export interface AlertStep {
  move: AlertMove;
  reason: string;
  detail?: Record<string, unknown>;
}

export interface AlertPath {
  alertId: string;
  /** Consecutive moves: the alert goes from the first one's `from` to the last one's `to`. */
  steps: readonly [AlertStep, ...AlertStep[]];
  /** Set with the move, for the matcher; left as they are when absent. */
  matchedTransactionId?: string;
  matchMethod?: NonNullable<Selectable<AlertsTable>['match_method']>;
}

export interface AlertMovesOptions {
  actor: Actor;
  paths: readonly AlertPath[];
  /** `updated_at` of the moved alerts; the statement's `now()` when absent. */
  at?: Date;
  /**
   * A further condition on the alerts to move, over CTEs the caller defined before these: for
   * a move that hangs off another write of the same statement.
   */
  onlyWhere?: RawBuilder<unknown>;
}

/**
 * The moves of a batch of alerts as CTEs for one statement of the caller's: `alert_path`,
 * `alert_step`, `moved` (the moved alerts' rows, `alerts.*`) and `moved_event` (one event per
 * step, in order). The caller puts its own CTEs before them and after them; those after hang off
 * `moved`, so they write nothing for an alert another worker moved first. The update is
 * conditional on each path's first `from`, as in `moveAlert`, and takes the alert's row lock.
 * Every step is checked against the table here, before any SQL is built.
 */
export function alertMovesCtes(options: AlertMovesOptions): RawBuilder<unknown> {
  const paths = options.paths.map((path) => {
    checkPath(path);
    return {
      alert_id: path.alertId,
      from_status: path.steps[0].move.from,
      to_status: (path.steps.at(-1) ?? path.steps[0]).move.to,
      matched_transaction_id: path.matchedTransactionId ?? null,
      match_method: path.matchMethod ?? null,
    };
  });
  const steps = options.paths.flatMap((path) =>
    path.steps.map((step, ord) => ({
      alert_id: path.alertId,
      ord,
      from_status: step.move.from,
      to_status: step.move.to,
      reason: step.reason,
      detail: step.detail ?? null,
    })),
  );
  return sql`
    alert_path AS (
      SELECT * FROM ${jsonRows(paths)} AS p (
        alert_id text, from_status text, to_status text, matched_transaction_id text, match_method text)
    ),
    alert_step AS (
      SELECT * FROM ${jsonRows(steps)} AS s (
        alert_id text, ord int, from_status text, to_status text, reason text, detail jsonb)
    ),
    moved AS (
      UPDATE alerts
         SET status = alert_path.to_status,
             matched_transaction_id = coalesce(alert_path.matched_transaction_id, alerts.matched_transaction_id),
             match_method = coalesce(alert_path.match_method, alerts.match_method),
             updated_at = ${options.at ?? sql`now()`}
        FROM alert_path
       WHERE alerts.alert_id = alert_path.alert_id AND alerts.status = alert_path.from_status
             ${options.onlyWhere === undefined ? sql`` : sql`AND (${options.onlyWhere})`}
      RETURNING alerts.*
    ),
    moved_event AS (
      INSERT INTO alert_events (alert_id, from_status, to_status, actor, reason, detail)
      SELECT alert_step.alert_id, alert_step.from_status, alert_step.to_status, ${options.actor},
             alert_step.reason, alert_step.detail
        FROM alert_step JOIN moved ON moved.alert_id = alert_step.alert_id
       ORDER BY alert_step.alert_id, alert_step.ord
    )`;
}

function checkPath(path: AlertPath): void {
  let at = path.steps[0].move.from;
  for (const { move } of path.steps) {
    if (move.from !== at || !canMove(move.from, move.to))
      throw new IllegalTransitionError(path.alertId, move.from, move.to);
    at = move.to;
  }
}

/**
 * The arrival events of alerts a statement has just inserted (they are stored in the status
 * column's default, ARRIVAL_STATUS), as the body of a CTE over the caller's CTE `source`, which
 * returns their `alert_id`. Constant text, so the ingest stays one named prepared statement.
 */
export function alertArrivalEvents(source: string, reason: string): RawBuilder<unknown> {
  if (!/^[a-z_][a-z0-9_]*$/.test(source)) throw new Error(`not a CTE name: ${source}`);
  return sql`INSERT INTO alert_events (alert_id, from_status, to_status, actor, reason)
        SELECT alert_id, NULL, ${sql.lit(ARRIVAL_STATUS)}, 'system', ${sql.lit(reason)} FROM ${sql.raw(source)}`;
}
