import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables, renderConfigurationReference } from './config-reference.js';

const REGENERATE =
  'run `pnpm --filter @mastercom/service generate:config-docs` and commit the result';

describe('configuration reference', () => {
  it('describes every environment variable in one or two short sentences', () => {
    const variables = configVariables();
    expect(variables.length).toBeGreaterThan(50);
    const undescribed = variables.filter((variable) => !variable.description?.trim());
    expect(
      undescribed.map((variable) => variable.name),
      'add a .describe() text in config.ts',
    ).toEqual([]);
    const tooLong = variables.filter((variable) => (variable.description ?? '').length > 300);
    expect(
      tooLong.map((variable) => variable.name),
      'keep a description under 300 characters',
    ).toEqual([]);
  });

  it('shows defaults as an operator writes them', () => {
    const defaults = Object.fromEntries(
      configVariables().map((variable) => [variable.name, variable.defaultText]),
    );
    expect(defaults).toMatchObject({
      PORT: '8080',
      DATABASE_MIGRATE_ON_START: 'true',
      DD_TRACE_ENABLED: 'false',
      MASTERCOM_QUEUES: 'Unworked',
      REFUND_CEILINGS: 'USD=500,EUR=500,GBP=400,CAD=650,AUD=750,JPY=75000',
      DATABASE_URL: undefined,
      WEBHOOK_HMAC_SECRETS: undefined,
    });
  });

  it('marks the variables that may be read from a file', () => {
    const secret = configVariables().find((variable) => variable.name === 'DATABASE_URL');
    expect(secret?.secret).toBe(true);
    expect(renderConfigurationReference()).toContain('| `DATABASE_URL` (or `_FILE`) ');
  });

  it('matches the committed CONFIGURATION.md', () => {
    // The committed file beside this package's src folder, not a path from input.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    const committed = readFileSync(new URL('../CONFIGURATION.md', import.meta.url), 'utf8');
    expect(committed, `CONFIGURATION.md is stale: ${REGENERATE}`).toBe(
      renderConfigurationReference(),
    );
  });
});
