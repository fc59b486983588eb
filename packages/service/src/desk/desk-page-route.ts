import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import helmet from 'helmet';

/** The desk's built files (`@mastercom/desk`), which the service's build copies beside this file. */
const PAGE_DIRECTORY = fileURLToPath(new URL('page/', import.meta.url));

/**
 * `GET /desk`: the agents' console, static files calling the operator API with the agent's own
 * token. Its policy is stricter than the app's (which lets Redoc's inline styles through): every
 * script, style, font and request comes from the service, and nothing may frame the page.
 */
export function deskPageRouter(): Router {
  const router = Router();
  router.use(
    '/desk',
    helmet.contentSecurityPolicy({
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'font-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
        'object-src': ["'none'"],
      },
    }),
  );
  // Non-strict routing: `/desk/` is served too.
  router.get('/desk', (_req, res, next) => {
    // The page names its hashed bundles; it must be fetched again after every release.
    res.sendFile(
      'index.html',
      { root: PAGE_DIRECTORY, headers: { 'cache-control': 'no-cache' } },
      (error) => {
        if (error) next(error);
      },
    );
  });
  // Bundles are named by their content hash: a year, and never revalidated.
  router.use(
    '/desk/assets',
    express.static(`${PAGE_DIRECTORY}assets`, {
      index: false,
      immutable: true,
      maxAge: '1y',
      redirect: false,
    }),
  );
  return router;
}
