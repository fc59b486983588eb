/* eslint-disable security/detect-non-literal-fs-filename -- a file of the contracts package */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';

/**
 * The committed OpenAPI document, which the contracts generate from the same zod schemas. Read on
 * the first request for it, not when the app is built: most processes never serve it.
 */
let openapiDocument: string | undefined;
function openapiText(): string {
  openapiDocument ??= readFileSync(
    createRequire(import.meta.url).resolve('@mastercom/contracts/openapi.json'),
    'utf8',
  );
  return openapiDocument;
}

/** The page, its script and Redoc's standalone bundle, which the build copies beside this file. */
const PAGE_DIRECTORY = fileURLToPath(new URL('page/', import.meta.url));
const PAGE_FILES: Readonly<Record<string, string>> = {
  '/docs': 'index.html',
  '/docs/api-reference.js': 'api-reference.js',
  '/docs/redoc.standalone.js': 'redoc.standalone.js',
};

/**
 * `GET /openapi.json`, the API's description, and `GET /docs`, a reference page rendering it
 * (Redoc, self-hosted: no script, font or style from anywhere else, so helmet's default Content
 * Security Policy holds). Neither needs a token: they describe the API and hold no data.
 */
export function apiReferenceRouter(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapiText());
  });
  for (const [path, file] of Object.entries(PAGE_FILES)) {
    router.get(path, (_req, res, next) => {
      // A day: the bundle changes only with the release that serves it.
      res.sendFile(file, { root: PAGE_DIRECTORY, maxAge: '1d' }, (error) => {
        if (error) next(error);
      });
    });
  }
  return router;
}
