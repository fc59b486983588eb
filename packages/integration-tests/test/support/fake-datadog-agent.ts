// A Datadog agent's trace intake on 127.0.0.1, as far as dd-trace needs one: it decodes what the
// tracer sends to `PUT /v0.4/traces` (a MessagePack array of traces, each an array of spans; the
// format is the agent's v0.4 API, which dd-trace uses by default) with @msgpack/msgpack, the
// decoder dd-trace's own tests use, and keeps every span. Anything else the tracer may call
// (/info, telemetry, remote configuration) is answered 404, which dd-trace treats as "not offered".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decode } from '@msgpack/msgpack';

export interface ReceivedSpan {
  readonly traceId: bigint;
  readonly spanId: bigint;
  readonly parentId: bigint;
  readonly name: string;
  readonly resource: string;
  readonly service: string;
  readonly type: string | undefined;
  readonly error: number;
  readonly meta: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface FakeDatadogAgent {
  readonly url: string;
  readonly spans: readonly ReceivedSpan[];
  /** Requests to paths other than the trace intake, e.g. `GET /info`. */
  readonly otherRequests: readonly string[];
  /** Payloads it could not decode as v0.4 traces, with the reason. */
  readonly rejected: readonly string[];
  close(): Promise<void>;
}

const id = (value: unknown): bigint =>
  typeof value === 'bigint' ? value : BigInt(typeof value === 'number' ? value : 0);

function toSpan(raw: Record<string, unknown>): ReceivedSpan {
  return {
    traceId: id(raw.trace_id),
    spanId: id(raw.span_id),
    parentId: id(raw.parent_id),
    name: String(raw.name),
    resource: String(raw.resource),
    service: String(raw.service),
    type: typeof raw.type === 'string' ? raw.type : undefined,
    error: typeof raw.error === 'number' ? raw.error : 0,
    meta: (raw.meta ?? {}) as Record<string, string>,
    metrics: (raw.metrics ?? {}) as Record<string, number>,
  };
}

export async function startFakeDatadogAgent(): Promise<FakeDatadogAgent> {
  const spans: ReceivedSpan[] = [];
  const otherRequests: string[] = [];
  const rejected: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url !== '/v0.4/traces') {
        otherRequests.push(`${req.method ?? ''} ${req.url ?? ''}`);
        res.writeHead(404).end();
        return;
      }
      try {
        // Trace and span ids are unsigned 64-bit integers: decode them as bigint, never as a
        // rounded number.
        const traces = decode(Buffer.concat(chunks), { useBigInt64: true });
        if (!Array.isArray(traces)) throw new Error('the payload is not an array of traces');
        for (const trace of traces) {
          if (!Array.isArray(trace)) throw new Error('a trace is not an array of spans');
          for (const span of trace) spans.push(toSpan(span as Record<string, unknown>));
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"rate_by_service":{}}');
      } catch (error) {
        rejected.push(error instanceof Error ? error.message : String(error));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    spans,
    otherRequests,
    rejected,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The spans of one trace as an indented tree, parents first: `name resource [status]`. */
export function formatTrace(spans: readonly ReceivedSpan[], traceId: bigint): string {
  const inTrace = spans.filter((span) => span.traceId === traceId);
  const ids = new Set(inTrace.map((span) => span.spanId));
  const lines: string[] = [];
  const visit = (span: ReceivedSpan, depth: number) => {
    const status = span.meta['http.status_code'];
    // A pg.query resource is the whole statement: its first words name it well enough.
    const resource = span.resource.replace(/\s+/g, ' ').trim().slice(0, 60);
    lines.push(`${'  '.repeat(depth)}${span.name} ${resource}${status ? ` [${status}]` : ''}`);
    for (const child of inTrace.filter((candidate) => candidate.parentId === span.spanId)) {
      visit(child, depth + 1);
    }
  };
  for (const root of inTrace.filter((span) => !ids.has(span.parentId))) visit(root, 0);
  return lines.join('\n');
}

/** Whether `descendant` is below `ancestor` in its trace, through any number of spans. */
export function isBelow(
  spans: readonly ReceivedSpan[],
  descendant: ReceivedSpan,
  ancestor: ReceivedSpan,
): boolean {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  let current: ReceivedSpan | undefined = descendant;
  while (current !== undefined && current.parentId !== 0n) {
    if (current.parentId === ancestor.spanId) return current.traceId === ancestor.traceId;
    current = byId.get(current.parentId);
  }
  return false;
}
