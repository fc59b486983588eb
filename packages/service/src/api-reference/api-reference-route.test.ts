/* eslint-disable security/detect-non-literal-fs-filename -- a file of the contracts package */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiReferenceRouter } from './api-reference-route.js';

const app = express().use(helmet()).use(apiReferenceRouter());

describe('the API reference', () => {
  it('serves the committed OpenAPI document as it is', async () => {
    const committed: unknown = JSON.parse(
      readFileSync(
        createRequire(import.meta.url).resolve('@mastercom/contracts/openapi.json'),
        'utf8',
      ),
    );
    const response = await request(app).get('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.type).toBe('application/json');
    expect(response.body).toEqual(committed);
    expect((response.body as { openapi: string }).openapi).toMatch(/^3\.1\./);
  });

  it('serves a page whose scripts all come from the service, under a strict policy', async () => {
    const response = await request(app).get('/docs');
    expect(response.status).toBe(200);
    expect(response.type).toBe('text/html');
    const sources = [...response.text.matchAll(/<(?:script[^>]*src|link[^>]*href)="([^"]+)"/g)].map(
      (match) => match[1],
    );
    // The icon is an empty data: URL, so the browser does not ask for /favicon.ico.
    expect(sources).toEqual(['data:,', '/docs/redoc.standalone.js', '/docs/api-reference.js']);
    expect(response.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    const script = await request(app).get('/docs/api-reference.js');
    expect(script.type).toBe('text/javascript');
    expect(script.text).toContain("Redoc.init(\n  '/openapi.json'");
  });
});
