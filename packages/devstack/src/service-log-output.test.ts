import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { prettyPrint, serviceLogOutput } from './service-log-output.js';

describe('the service log under pnpm start', () => {
  it('is piped for a terminal and passed through untouched otherwise', () => {
    expect(serviceLogOutput(true)).toBe('pipe');
    expect(serviceLogOutput(false)).toBe('inherit');
  });

  it('reaches a terminal as readable lines, fields after the message', async () => {
    const service = new PassThrough();
    const terminal = new PassThrough();
    const written: string[] = [];
    terminal.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    prettyPrint(service, terminal);
    const line = {
      level: 30,
      time: Date.UTC(2026, 11, 5, 9, 30, 0),
      service: 'mastercom-service',
      version: '0.1.0',
      req: { id: 'req-1', method: 'POST', url: '/api/v6/webhooks/ethoca' },
      res: { statusCode: 200 },
      msg: 'request completed',
    };
    service.end(`${JSON.stringify(line)}\n`);
    for (let waited = 0; !written.join('').includes('statusCode') && waited < 2000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const text = written.join('').replaceAll(/\u001b\[[0-9;]*m/g, '');
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request completed\n/);
    expect(text).toContain('"statusCode": 200');
    expect(text).not.toContain('mastercom-service');
    expect(text).not.toContain('{"level"');
  });
});
