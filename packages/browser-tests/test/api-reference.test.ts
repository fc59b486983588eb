/* eslint-disable security/detect-non-literal-fs-filename -- the contracts' committed document */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { useHarness, type ServiceProcess } from '@mastercom/service-harness';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/accessibility.js';
import { launchChromium, screenshotPath } from './support/chromium.js';

const openapi = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@mastercom/contracts/openapi.json'), 'utf8'),
) as { info: { title: string }; paths: Record<string, Record<string, { summary?: string }>> };

const REDOC_LOGO = "Loading the image 'https://cdn.redoc.ly/redoc/logo-mini.svg' violates";

const h = useHarness();
let service: ServiceProcess;
let browser: Browser;

beforeAll(async () => {
  [service, browser] = await Promise.all([h.startService('web'), launchChromium()]);
});
afterAll(async () => {
  await browser.close();
});

describe('the API reference at /docs', () => {
  it('renders the OpenAPI document with everything from the service, under its CSP', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const origins = new Set<string>();
    // Only requests that completed: one the policy blocked starts, then fails without a byte sent.
    page.on('requestfinished', (sent) => origins.add(new URL(sent.url()).origin));

    await page.goto(`${service.url}/docs`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).first().textContent(), {
        timeout: 30_000,
      })
      .toContain(openapi.info.title);
    // Every operation's summary is on the page.
    const summaries = Object.values(openapi.paths)
      .flatMap((operations) => Object.values(operations))
      .map((operation) => operation.summary)
      .filter((summary): summary is string => summary !== undefined);
    expect(summaries.length).toBeGreaterThan(5);
    const text = await page.locator('body').innerText();
    for (const summary of summaries) expect(text).toContain(summary);

    await page.screenshot({ path: screenshotPath('docs') });
    // Redoc's sidebar asks its CDN for a logo; the policy blocks it (nothing leaves the page) and
    // Redoc hides the image. Anything else blocked or failing is a finding.
    expect(problems.filter((problem) => !problem.includes(REDOC_LOGO))).toEqual([]);
    expect([...origins]).toEqual([new URL(service.url).origin]);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
