import type { DeskSession } from '@mastercom/contracts';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { admittedRole, type Access } from '../access/require-role.js';
import { grants } from '../access/roles.js';
import type { Database } from '../platform/database/database-schema.js';
import { readDeskAlert } from './desk-alert-store.js';
import { sendNoSuchAlert } from '../alerts/no-such-alert.js';

/**
 * What the desk reads besides its queue: `GET /api/v6/desk/session`, the role of the token an
 * agent signed in with (so the desk offers decisions only to tokens that may make them), and
 * `GET /api/v6/desk/alerts/:alertId`, one alert with everything an agent decides on.
 */
export function deskAlertRouter(deps: {
  db: Kysely<Database>;
  access: Access;
  now?: () => Date;
}): Router {
  const router = Router();

  router.get('/api/v6/desk/session', deps.access('read'), (_req, res) => {
    const role = admittedRole(res);
    const body: DeskSession = { role, mayDecide: grants(role, 'agent') };
    res.json(body);
  });

  router.get('/api/v6/desk/alerts/:alertId', deps.access('read'), async (req, res) => {
    const alertId = String(req.params.alertId);
    const view = await readDeskAlert(deps.db, alertId, (deps.now ?? (() => new Date()))());
    if (view === undefined) {
      sendNoSuchAlert(res, alertId);
      return;
    }
    res.json(view);
  });

  return router;
}
