import { findCardNumbers } from '@mastercom/contracts';
import { describe, expect, it } from 'vitest';
import { createLogger, maskCardNumbersInLogLine } from './logger.js';

describe('log lines', () => {
  it('leave through every logger, children included, with card numbers masked', () => {
    const lines: string[] = [];
    const logger = createLogger(
      { level: 'info', service: 'mastercom-service', version: 'test' },
      { write: (line: string) => void lines.push(line) },
    );
    const child = logger.child({ req: { url: '/x?pan=4111.1111.1111.1111' } });
    child.info(
      { detail: 'card 5555 5555 5555 4444', n: 4242424242424242 },
      'paid 4012-8888-8888-1881',
    );
    logger.error(new Error('refused 6011\n1111\n1111\n1117'), 'refused');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(findCardNumbers(line.replaceAll(/\\[nrtbf]/g, ' '))).toEqual([]);
    }
    expect(lines[0]).toContain('"n":"424242******4242"');
    expect(lines[0]).toContain('401288******1881');
  });

  it('pass untouched when they hold no card number', () => {
    const line =
      '{"level":"info","time":"2026-12-04T23:13:59.123Z","msg":"ok 74123456789012345678901"}\n';
    expect(maskCardNumbersInLogLine(line)).toBe(line);
    expect(maskCardNumbersInLogLine('not json 4111 1111 1111 1111')).toBe(
      'not json 411111******1111',
    );
  });
});
