import type { EthocaWebhookHealth } from '@mastercom/contracts';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import { alertBacklog } from './alert-store.js';
import type { DeliveryAuthOptions } from './authentication/index.js';
import type { WebhookStats } from './webhook-stats.js';

/**
 * `GET /api/v6/webhooks/ethoca/health`: the intake as the on-call engineer needs to see it: when
 * the last alert arrived, what this replica accepted and refused, what is waiting and how close
 * open alerts are to Ethoca's 24 h outcome deadline.
 */
export function webhookHealthRouter(deps: {
  db: Kysely<Database>;
  auth: DeliveryAuthOptions;
  stats: WebhookStats;
}): Router {
  const router = Router();
  const modes: EthocaWebhookHealth['authenticationModes'] = [
    ...(deps.auth.mtls ? (['mtls'] as const) : []),
    ...(deps.auth.trustedProxy ? (['trusted-proxy'] as const) : []),
    ...(deps.auth.hmac ? (['hmac'] as const) : []),
  ];
  router.get('/api/v6/webhooks/ethoca/health', async (_req, res) => {
    let backlog;
    try {
      backlog = await alertBacklog(deps.db);
    } catch (error) {
      res
        .status(503)
        .set('Cache-Control', 'no-store')
        .json({
          status: 'unavailable',
          detail: `database: ${error instanceof Error ? error.message : String(error)}`,
        });
      return;
    }
    const late = backlog.deadlines.critical + backlog.deadlines.overdue;
    const body: EthocaWebhookHealth = {
      status: late > 0 ? 'degraded' : 'ok',
      lastAlertReceivedAt: backlog.lastReceivedAt?.toISOString() ?? null,
      counts: {
        accepted: deps.stats.accepted,
        duplicate: deps.stats.duplicate,
        rejected: deps.stats.rejected,
        shed: deps.stats.shed,
      },
      inFlight: deps.stats.inFlight,
      authenticationModes: modes,
      backlog: {
        unprocessed: backlog.unprocessed,
        oldestAgeSeconds:
          backlog.oldestUnprocessedAt === null
            ? null
            : Math.max(0, (Date.now() - backlog.oldestUnprocessedAt.getTime()) / 1000),
      },
      deadlines: backlog.deadlines,
    };
    res.set('Cache-Control', 'no-store').json(body);
  });
  return router;
}
