import { createServer, request as httpRequest, type Server } from 'node:http';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isLoopbackHost, startMsw } from './msw-server.js';

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'api.localhost',
    '127.0.0.1',
    '127.8.9.10',
    '[::1]',
    '::1',
    '[::ffff:7f00:1]',
  ])('treats %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    'example.com',
    '10.0.0.1',
    '128.0.0.1',
    '[::2]',
    'localhost.example.com',
    '[::ffff:a00:1]',
  ])('treats %s as another host', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('startMsw', () => {
  let local: Server;
  let localUrl: string;
  const server = startMsw([
    http.get('https://mocked.example.test/ping', () => HttpResponse.text('mocked pong')),
  ]);

  beforeAll(async () => {
    local = createServer((_request, response) => response.end('real pong'));
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const address = local.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    localUrl = `http://127.0.0.1:${String(address.port)}`;
  });
  afterAll(async () => {
    server.close();
    await new Promise<void>((resolve) => local.close(() => resolve()));
  });

  it('answers handled requests from the handlers', async () => {
    const response = await fetch('https://mocked.example.test/ping');
    expect(await response.text()).toBe('mocked pong');
  });

  it('lets unhandled loopback requests through to the real server, with fetch and node:http', async () => {
    expect(await (await fetch(`${localUrl}/anything`)).text()).toBe('real pong');
    const viaHttp = await new Promise<string>((resolve, reject) => {
      httpRequest(`${localUrl}/supertest-style`, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(viaHttp).toBe('real pong');
  });

  it('fails an unhandled request to any other host with a network error instead of sending it', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(
      fetch('https://unmocked.example.test/outcomes', { method: 'POST', body: '{}' }),
    ).rejects.toThrow(TypeError);
    expect(stderr).toHaveBeenCalledWith(
      expect.stringContaining('msw: no handler for POST https://unmocked.example.test/outcomes'),
    );
    expect(server.unhandledRequests).toEqual(['POST https://unmocked.example.test/outcomes']);
    expect(() => server.assertNoUnhandledRequests()).toThrow(/1 request\(s\) without a handler/);
    expect(() => server.assertNoUnhandledRequests()).not.toThrow();
  });
});
