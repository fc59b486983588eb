import {
  alertListQuerySchema,
  type AlertListResponse,
  type StoredAlertDetail,
} from '@mastercom/contracts';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import { encodeCursor, findAlert, listAlerts } from './alert-store.js';
import { readPageQuery } from './page-query.js';
import { toAlertEvent, toStoredAlert } from './stored-alert-view.js';
import type { Access } from '../access/require-role.js';
import { sendNoSuchAlert } from './no-such-alert.js';

/** `GET /api/v6/alerts` and `GET /api/v6/alerts/:alertId`, behind the operator bearer token. */
export function alertReadRouter(deps: {
  db: Kysely<Database>;
  /** The guard each route puts next to its path, with the role the route needs. */
  access: Access;
}): Router {
  const router = Router();

  router.get('/api/v6/alerts', deps.access('read'), async (req, res) => {
    const read = readPageQuery(req, res, alertListQuerySchema);
    if (read === undefined) return;
    const { query, cursor } = read;
    const page = await listAlerts(deps.db, {
      status: query.status,
      alertType: query.type,
      receivedFrom: query.receivedFrom === undefined ? undefined : new Date(query.receivedFrom),
      receivedTo: query.receivedTo === undefined ? undefined : new Date(query.receivedTo),
      cursor,
      limit: query.limit,
    });
    const body: AlertListResponse = {
      items: page.rows.map(toStoredAlert),
      nextCursor: page.next === null ? null : encodeCursor(page.next),
    };
    res.json(body);
  });

  router.get('/api/v6/alerts/:alertId', deps.access('read'), async (req, res) => {
    const alertId = String(req.params.alertId);
    const found = await findAlert(deps.db, alertId);
    if (found === undefined) {
      sendNoSuchAlert(res, alertId);
      return;
    }
    const body: StoredAlertDetail = {
      ...toStoredAlert(found.alert),
      events: found.events.map(toAlertEvent),
    };
    res.json(body);
  });

  return router;
}
