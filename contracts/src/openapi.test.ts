import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/* eslint-disable security/detect-non-literal-fs-filename -- reads this package's own files */
import { API_VERSION, createOpenApiDocument, serializeOpenApiDocument } from './openapi.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const committedPath = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url));

describe('openapi/openapi.json', () => {
  it('matches a fresh generation from the zod schemas', () => {
    const committed = readFileSync(committedPath, 'utf8');
    const fresh = serializeOpenApiDocument(createOpenApiDocument());
    // The failure shows how to fix it rather than a 60 kB diff.
    const regenerate =
      'openapi/openapi.json is out of date with the schemas. Regenerate it with ' +
      '`pnpm --filter @mastercom/contracts generate:openapi` and commit the result.';
    expect(committed === fresh ? 'up to date' : regenerate).toBe('up to date');
  });

  it('documents every route of the service with its responses', () => {
    const document = createOpenApiDocument();
    expect(document.info.version).toBe(API_VERSION);
    expect(Object.keys(document.paths ?? {}).sort()).toEqual([
      '/__ops/ping',
      '/api/v6/alerts',
      '/api/v6/alerts/{alertId}',
      '/api/v6/alerts/{alertId}/outcome',
      '/api/v6/cases',
      '/api/v6/cases/{caseId}',
      '/api/v6/cases/{caseId}/documents',
      '/api/v6/desk/alerts/{alertId}',
      '/api/v6/desk/queue',
      '/api/v6/desk/session',
      '/api/v6/documents',
      '/api/v6/documents/{documentId}',
      '/api/v6/documents/{documentId}/content',
      '/api/v6/documents/{documentId}/submit',
      '/api/v6/transactions',
      '/api/v6/webhooks/ethoca',
      '/api/v6/webhooks/ethoca/health',
      '/health',
    ]);
    const webhook = document.paths?.['/api/v6/webhooks/ethoca']?.post;
    expect(Object.keys(webhook?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '413',
      '415',
      '503',
    ]);
    expect(document.paths?.['/api/v6/alerts']?.get?.security).toEqual([{ bearerAuth: [] }]);
  });

  it('passes redocly lint', () => {
    const redocly = fileURLToPath(new URL('../node_modules/.bin/redocly', import.meta.url));
    const result = spawnSync(
      redocly,
      ['lint', 'openapi/openapi.json', '--config', 'redocly.yaml'],
      {
        cwd: packageDir,
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    expect(result.error).toBeUndefined();
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  });
});
