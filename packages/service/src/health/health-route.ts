import { Router } from 'express';
import { checkReadiness, type ReadinessDeps } from './readiness.js';

export const SERVICE_NAME = 'mastercom-service';

/** `/health`: readiness for the load balancer and a first look for the on-call engineer. */
export function healthRouter(deps: ReadinessDeps & { version: string }): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const readiness = await checkReadiness(deps);
    res
      .status(readiness.ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        status: !readiness.ready
          ? 'unavailable'
          : Object.values(readiness.checks).some((check) => check.status !== 'ok')
            ? 'degraded'
            : 'ok',
        service: SERVICE_NAME,
        version: deps.version,
        checks: readiness.checks,
      });
  });
  return router;
}
