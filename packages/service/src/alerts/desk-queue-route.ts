import {
  deadlineBucket,
  deskQueueQuerySchema,
  OUTCOME_DEADLINE_MS,
  problemFieldErrors,
  type DeskQueueResponse,
} from '@mastercom/contracts';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Access } from '../access/require-role.js';
import type { Database } from '../platform/database/database-schema.js';
import { sendProblem } from '../platform/http/problem-details.js';
import { encodeCursor, readCursor } from './alert-store.js';
import { listDeskQueue } from './desk-queue-store.js';
import { toStoredAlert } from './stored-alert-view.js';

/**
 * `GET /api/v6/desk/queue`: the alerts an agent has to decide, nearest Ethoca deadline first, each
 * with its deadline and the bucket the monitors count it in. The `read` role may look; deciding is
 * `POST /api/v6/alerts/{alertId}/outcome`, which needs `agent`.
 */
export function deskQueueRouter(deps: { db: Kysely<Database>; access: Access }): Router {
  const router = Router();
  router.get('/api/v6/desk/queue', deps.access('read'), async (req, res) => {
    const query = deskQueueQuerySchema.safeParse(req.query);
    if (!query.success) {
      sendProblem(
        res,
        400,
        'Invalid query',
        'the queue query has invalid parameters',
        problemFieldErrors(query.error),
      );
      return;
    }
    const cursor = readCursor(query.data.cursor);
    if (!cursor.ok) {
      sendProblem(res, 400, 'Invalid query', 'the cursor was not issued by this service', [
        { field: 'cursor', message: 'is not a cursor from a previous page' },
      ]);
      return;
    }
    const page = await listDeskQueue(deps.db, {
      status: query.data.status,
      alertType: query.data.type,
      merchant: query.data.merchant,
      cursor: cursor.cursor,
      limit: query.data.limit,
    });
    const now = Date.now();
    const body: DeskQueueResponse = {
      items: page.rows.map((row) => {
        const { payload: _payload, ...alert } = toStoredAlert(row);
        return {
          ...alert,
          deadlineAt: new Date(row.received_at.getTime() + OUTCOME_DEADLINE_MS).toISOString(),
          deadlineBucket: deadlineBucket(now - row.received_at.getTime()),
        };
      }),
      nextCursor: page.next === null ? null : encodeCursor(page.next),
    };
    res.json(body);
  });
  return router;
}
