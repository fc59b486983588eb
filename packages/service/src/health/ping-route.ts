import { Router } from 'express';

/** Liveness: answers without touching the database, so a database outage never restarts pods. */
export function pingRouter(): Router {
  const router = Router();
  router.get('/__ops/ping', (_req, res) => {
    res.type('text/plain').send('pong');
  });
  return router;
}
