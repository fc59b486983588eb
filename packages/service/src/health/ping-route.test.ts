import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.js';

describe('GET /__ops/ping', () => {
  it('answers pong as plain text', async () => {
    const res = await request(createApp()).get('/__ops/ping');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain');
    expect(res.text).toBe('pong');
  });

  it('does not advertise the framework', async () => {
    const res = await request(createApp()).get('/__ops/ping');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers 404 for a path it does not serve', async () => {
    const res = await request(createApp()).get('/__ops/nope');
    expect(res.status).toBe(404);
  });
});
