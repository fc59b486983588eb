// The built service with dd-trace loaded the way the image loads it (SERVICE_TRACING_FLAGS in its
// command), reporting to a fake Datadog agent on 127.0.0.1 that decodes what dd-trace sends. The
// monitors and the deploy checks read trace.express.request.*: this proves those spans exist.
import { createAlert } from '@mastercom/contracts/fixtures';
import { SERVICE_TRACING_FLAGS } from '@mastercom/service/node-flags';
import { waitFor } from '@mastercom/testkit';
import { ServiceProcess, useHarness } from '@mastercom/service-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatTrace,
  isBelow,
  startFakeDatadogAgent,
  type FakeDatadogAgent,
  type ReceivedSpan,
} from './support/fake-datadog-agent.js';

const h = useHarness();
let agent: FakeDatadogAgent;

const TRACING_ENV = {
  DD_TRACE_ENABLED: 'true',
  DD_SERVICE: 'mastercom-service',
  DD_ENV: 'integration',
  DD_VERSION: 'tracing-test',
  // Flush every 100 ms instead of every 2 s; nothing else but the trace intake is needed.
  DD_TRACE_FLUSH_INTERVAL: '100',
  DD_RUNTIME_METRICS_ENABLED: 'false',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_REMOTE_CONFIGURATION_ENABLED: 'false',
};

beforeAll(async () => {
  agent = await startFakeDatadogAgent();
});

afterAll(async () => {
  await agent.close();
});

describe('tracing of the built service', () => {
  it('records a webhook delivery as an express.request span with its route and status, and pg.query below it', async () => {
    const service = await ServiceProcess.start({
      name: 'traced',
      env: h.env({ ...TRACING_ENV, DD_TRACE_AGENT_URL: agent.url }),
      nodeArgs: SERVICE_TRACING_FLAGS,
      cwd: 'service',
    });
    await h.client(() => service.url).deliver([createAlert(4242)]);

    const isWebhook = (span: ReceivedSpan) =>
      span.name === 'express.request' && span.meta['http.route'] === '/api/v6/webhooks/ethoca';
    const request = await waitFor(
      'the webhook delivery and its pg.query spans at the fake agent',
      async () => {
        await Promise.resolve();
        const found = agent.spans.find(isWebhook);
        const queries = found
          ? agent.spans.filter(
              (span) => span.name === 'pg.query' && isBelow(agent.spans, span, found),
            )
          : [];
        return found && queries.length > 0
          ? { done: true, value: found }
          : { done: false, state: agent.spans.map((span) => span.name) };
      },
      { timeoutMs: 15_000, intervalMs: 100, context: () => service.outputTail() },
    );

    console.log(`trace received by the fake agent:\n${formatTrace(agent.spans, request.traceId)}`);
    expect(agent.rejected).toEqual([]);
    expect(request).toMatchObject({
      service: 'mastercom-service',
      type: 'web',
      resource: 'POST /api/v6/webhooks/ethoca',
      error: 0,
    });
    expect(request.meta).toMatchObject({
      'http.method': 'POST',
      'http.status_code': '200',
      'http.route': '/api/v6/webhooks/ethoca',
      env: 'integration',
      version: 'tracing-test',
    });
    const queries = agent.spans.filter(
      (span) => span.name === 'pg.query' && isBelow(agent.spans, span, request),
    );
    expect(queries.every((span) => span.traceId === request.traceId)).toBe(true);
    expect(queries.map((span) => span.meta['db.type'])).toContain('postgres');
  });

  it('refuses to start with DD_TRACE_ENABLED when dd-trace was not loaded first', async () => {
    await expect(
      ServiceProcess.start({
        name: 'untraced',
        env: h.env({ ...TRACING_ENV, DD_TRACE_AGENT_URL: agent.url }),
        readyTimeoutMs: 15_000,
      }),
    ).rejects.toThrow(
      /dd-trace was not loaded before the service; start node with --import dd-trace\/initialize\.mjs/,
    );
  });
});
