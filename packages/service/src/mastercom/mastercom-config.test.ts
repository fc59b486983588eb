import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

/** The one variable every start needs. */
const DATABASE = { DATABASE_URL: 'postgres://dev@127.0.0.1/mastercom' };
const noFiles = (path: string): string => {
  throw Object.assign(new Error(`no file ${path}`), { code: 'ENOENT' });
};

describe('Mastercom configuration', () => {
  it('defaults to the Unworked queue, a 5-minute sync and Mastercom’s document limit', () => {
    const config = loadConfig(DATABASE, noFiles);
    expect(config).toMatchObject({
      MASTERCOM_QUEUES: ['Unworked'],
      MASTERCOM_SYNC_INTERVAL_SECONDS: 300,
      MASTERCOM_SYNC_LOOKBACK_DAYS: 30,
      MASTERCOM_DOCUMENT_MAX_BYTES: 16_500_000,
      MASTERCOM_MAX_ATTEMPTS: 4,
    });
    expect(config.MASTERCOM_URL).toBeUndefined();
    expect(config.MASTERCOM_KEY_EXPIRES_AT).toBeUndefined();
  });

  it('reads the URL, several queues and the key expiry date', () => {
    const config = loadConfig(
      {
        ...DATABASE,
        MASTERCOM_URL: 'https://sandbox.api.mastercard.com/mastercom',
        MASTERCOM_QUEUES: 'Unworked, Rejects',
        MASTERCOM_KEY_EXPIRES_AT: '2027-12-31',
      },
      noFiles,
    );
    expect(config.MASTERCOM_QUEUES).toEqual(['Unworked', 'Rejects']);
    expect(config.MASTERCOM_KEY_EXPIRES_AT).toBe('2027-12-31');
  });

  it('names every bad Mastercom variable at once', () => {
    let problems: string[] = [];
    try {
      loadConfig(
        {
          ...DATABASE,
          MASTERCOM_URL: 'not a url',
          MASTERCOM_KEY_EXPIRES_AT: '31/12/2027',
          MASTERCOM_DOCUMENT_MAX_BYTES: '20000000',
          MASTERCOM_SYNC_INTERVAL_SECONDS: '1',
        },
        noFiles,
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'MASTERCOM_DOCUMENT_MAX_BYTES',
      'MASTERCOM_KEY_EXPIRES_AT',
      'MASTERCOM_SYNC_INTERVAL_SECONDS',
      'MASTERCOM_URL',
    ]);
  });
});
