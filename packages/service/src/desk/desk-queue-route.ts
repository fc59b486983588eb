import { deskQueueQuerySchema, type DeskQueueResponse } from '@mastercom/contracts';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Access } from '../access/require-role.js';
import type { Database } from '../platform/database/database-schema.js';
import { encodeCursor } from '../alerts/alert-store.js';
import { readPageQuery } from '../alerts/page-query.js';
import { alertDeadline } from './alert-deadline.js';
import { listDeskQueue } from './desk-queue-store.js';
import { toStoredAlert } from '../alerts/stored-alert-view.js';

/**
 * `GET /api/v6/desk/queue`: the alerts an agent has to decide, nearest Ethoca deadline first, each
 * with its deadline and the bucket the monitors count it in. The `read` role may look; deciding is
 * `POST /api/v6/alerts/{alertId}/outcome`, which needs `agent`.
 */
export function deskQueueRouter(deps: { db: Kysely<Database>; access: Access }): Router {
  const router = Router();
  router.get('/api/v6/desk/queue', deps.access('read'), async (req, res) => {
    const read = readPageQuery(req, res, deskQueueQuerySchema);
    if (read === undefined) return;
    const { query, cursor } = read;
    const page = await listDeskQueue(deps.db, {
      status: query.status,
      alertType: query.type,
      merchant: query.merchant,
      cursor,
      limit: query.limit,
    });
    const now = new Date();
    const body: DeskQueueResponse = {
      items: page.rows.map((row) => {
        const { payload: _payload, ...alert } = toStoredAlert(row);
        return {
          ...alert,
          ...alertDeadline(row.received_at, now),
        };
      }),
      nextCursor: page.next === null ? null : encodeCursor(page.next),
    };
    res.json(body);
  });
  return router;
}
