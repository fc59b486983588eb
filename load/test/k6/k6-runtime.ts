/**
 * Stand-ins for k6's built-in modules, for the unit tests of the k6 scripts. Each test file
 * registers them with `vi.mock('k6/…', async () => (await import('./k6-runtime.js')).…)`. They do
 * what k6 does with the values our scripts pass (HMAC over UTF-8 strings, base64 decoding, checks
 * counted per name) and record every request, so a test can inspect what a scenario would send.
 * Responses come from `runtime.respond`, which by default answers like the service.
 */
import { createHmac } from 'node:crypto';

export interface CapturedRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body: string | null;
  readonly headers: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly timeout: string | undefined;
}

export interface FakeResponse {
  readonly status: number;
  readonly body: string;
}

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string;
}

/** Answers a webhook delivery the way the service does: SUCCESS for every alert, in order. */
export function serviceLikeResponse(request: CapturedRequest): FakeResponse {
  if (request.method === 'GET') return { status: 200, body: '{}' };
  const parsed = JSON.parse(request.body ?? 'null') as {
    alerts?: { alertId: string }[];
    alertId?: string;
  };
  const alerts = parsed.alerts ?? [{ alertId: parsed.alertId ?? '' }];
  return {
    status: 200,
    body: JSON.stringify({
      alertResponses: alerts.map((alert) => ({ alertId: alert.alertId, status: 'SUCCESS' })),
    }),
  };
}

function createRuntime() {
  return {
    requests: [] as CapturedRequest[],
    checks: [] as { name: string; ok: boolean; tags: Record<string, string> }[],
    counters: new Map<string, number>(),
    iteration: 0,
    sleeps: 0,
    respond: serviceLikeResponse,
    reset(): void {
      this.requests = [];
      this.checks = [];
      this.counters = new Map();
      this.iteration = 0;
      this.sleeps = 0;
      this.respond = serviceLikeResponse;
    },
  };
}

type Runtime = ReturnType<typeof createRuntime>;

/**
 * One recorder for the whole test file. It lives on globalThis because the tests reset the module
 * registry to re-read `__ENV`, which gives the mocked modules a fresh copy of this file, and the
 * test must still see what they recorded.
 */
const holder = globalThis as typeof globalThis & { k6TestRuntime?: Runtime };
holder.k6TestRuntime ??= createRuntime();
export const runtime: Runtime = holder.k6TestRuntime;

function request(method: 'GET' | 'POST', url: string, body: string | null, params: Params = {}) {
  const captured: CapturedRequest = {
    method,
    url,
    body,
    headers: { ...(params.headers ?? {}) },
    tags: { ...(params.tags ?? {}) },
    timeout: params.timeout,
  };
  runtime.requests.push(captured);
  return { ...runtime.respond(captured), request: captured };
}

const http = {
  get: (url: string, params?: Params) => request('GET', url, null, params),
  post: (url: string, body: string | null, params?: Params) => request('POST', url, body, params),
};
export const httpModule = { ...http, default: http };

const k6 = {
  check<T>(
    value: T,
    sets: Record<string, (value: T) => boolean>,
    tags: Record<string, string> = {},
  ) {
    let all = true;
    for (const [name, predicate] of Object.entries(sets)) {
      const ok = predicate(value);
      runtime.checks.push({ name, ok, tags });
      all &&= ok;
    }
    return all;
  },
  sleep(_seconds: number) {
    runtime.sleeps += 1;
  },
};
export const k6Module = { ...k6, default: k6 };

class Counter {
  constructor(readonly name: string) {}
  add(value: number): void {
    runtime.counters.set(this.name, (runtime.counters.get(this.name) ?? 0) + value);
  }
}
export const metricsModule = { Counter, default: { Counter } };

function bytes(value: string | ArrayBuffer): Buffer {
  // k6 encodes a string argument as UTF-8, like Node's Buffer.from(string).
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
}

const crypto = {
  hmac(
    algorithm: string,
    secret: string | ArrayBuffer,
    data: string | ArrayBuffer,
    encoding: 'base64' | 'hex',
  ) {
    return createHmac(algorithm, bytes(secret)).update(bytes(data)).digest(encoding);
  },
};
export const cryptoModule = { ...crypto, default: crypto };

const encoding = {
  b64decode(input: string, variant: string): ArrayBuffer {
    if (variant !== 'std') throw new Error(`the scripts decode standard base64, not ${variant}`);
    const decoded = Buffer.from(input, 'base64');
    return decoded.buffer.slice(decoded.byteOffset, decoded.byteOffset + decoded.byteLength);
  },
};
export const encodingModule = { ...encoding, default: encoding };

const execution = {
  get scenario() {
    return { name: 'test', iterationInTest: runtime.iteration };
  },
  get vu() {
    return { idInTest: 1 };
  },
};
export const executionModule = { default: execution };

/** The environment a Buildkite step gives k6, with a fixed secret and token. */
export const TEST_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const TEST_TOKEN = 'load-test-token';
export function k6Env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    BASE_URL: 'http://127.0.0.1:8080',
    LOAD_WEBHOOK_SECRET: TEST_SECRET,
    LOAD_API_TOKEN: TEST_TOKEN,
    ...overrides,
  };
}
