import {
  manualOutcomeRequestSchema,
  problemFieldErrors,
  type ManualOutcomeResponse,
} from '@mastercom/contracts';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Access } from '../access/require-role.js';
import type { Database } from '../platform/database/database-schema.js';
import { jsonBody } from '../platform/http/json-body.js';
import { sendProblem } from '../platform/http/problem-details.js';
import { recordAgentOutcome } from './agent-outcome-recording.js';
import { sendNoSuchAlert } from '../alerts/no-such-alert.js';

/** `POST /api/v6/alerts/:alertId/outcome`: an agent's decision, queued for the Outcome API. */
export function agentOutcomeRouter(deps: {
  db: Kysely<Database>;
  /** The guard each route puts next to its path, with the role the route needs. */
  access: Access;
  now?: () => Date;
}): Router {
  const router = Router();
  router.post(
    '/api/v6/alerts/:alertId/outcome',
    deps.access('agent'),
    jsonBody({ limit: '16kb' }),
    async (req, res) => {
      const alertId = String(req.params.alertId);
      const parsed = manualOutcomeRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        sendProblem(
          res,
          400,
          'Invalid outcome',
          'the outcome was refused; nothing changed',
          problemFieldErrors(parsed.error),
        );
        return;
      }
      const now = (deps.now ?? (() => new Date()))();
      const result = await recordAgentOutcome(deps.db, alertId, parsed.data, now);
      if (result.status === 404) {
        sendNoSuchAlert(res, alertId);
      } else if (result.status === 400) {
        sendProblem(res, 400, 'Invalid outcome', result.detail, [
          { field: 'outcome', message: result.detail },
        ]);
      } else if (result.status === 409) {
        sendProblem(res, 409, 'Conflict', result.detail);
      } else {
        const body: ManualOutcomeResponse = {
          alertId,
          status: 'OUTCOME_PENDING',
          outcome: result.outcome.outcome,
        };
        res.status(202).json(body);
      }
    },
  );
  return router;
}
