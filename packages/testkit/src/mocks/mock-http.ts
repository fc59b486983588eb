/**
 * The transport-neutral core of the mock services. A mock is a function from a received request
 * to a reply; the msw adapter and the node:http adapter both call it, so what a mock accepts,
 * records and answers is written once and behaves the same in-process and over a real socket.
 */
import { SeededRandom } from '@mastercom/contracts/fixtures';

export interface MockHttpRequest {
  method: string;
  /** The absolute URL the client sent the request to, query included. */
  url: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  /** The exact bytes received. */
  rawBody: Buffer;
}

export interface MockHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * What the adapters do with a request: answer it, destroy the connection without answering, or
 * answer after a delay. A delayed request has already been processed when the delay starts, like
 * a server whose response is slow on the way back: a client that times out and retries meets the
 * effect of its first attempt.
 */
export type MockHttpReply =
  MockHttpResponse | { reset: true } | { delayMs: number; then: MockHttpReply };

export type MockHttpHandler = (request: MockHttpRequest) => MockHttpReply;

/** Faults a mock can be told to inject in front of its normal behaviour. */
export type MockFault =
  /** 500 with the service's error body. */
  | { kind: 'server-error' }
  /** 503, with `Retry-After` when `retryAfterSeconds` is given. */
  | { kind: 'unavailable'; retryAfterSeconds?: number }
  /** 429 with `Retry-After` (1 s unless given). */
  | { kind: 'rate-limited'; retryAfterSeconds?: number }
  /** The normal answer, `ms` milliseconds late. */
  | { kind: 'delay'; ms: number }
  /** The connection is destroyed without a response. */
  | { kind: 'reset' };

export interface FaultControl {
  /** The next `count` requests get `fault`; schedules queue up behind each other. */
  failNext(count: number, fault: MockFault): void;
  /**
   * From now on a share `share` (0–1) of the requests not covered by `failNext` get `fault`,
   * chosen by a PRNG seeded with `seed`, so a run is repeatable.
   */
  failShare(share: number, fault: MockFault, seed?: number): void;
  /** Removes every scheduled fault. */
  clear(): void;
}

export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  headers: Readonly<Record<string, string>>;
  /** The body as text, exactly as received (decoded as UTF-8). */
  rawBody: string;
  /** The body parsed as JSON, or undefined when it was empty or not JSON. */
  body: unknown;
  /** The status answered, or null when the connection was reset instead. */
  status: number | null;
  /** The injected fault that shaped the answer, if any. */
  fault?: MockFault['kind'];
  receivedAt: Date;
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): MockHttpResponse {
  return {
    status,
    headers: { 'content-type': contentType, ...headers },
    body: JSON.stringify(body),
  };
}

/** The status a reply ends in, or null for a reset connection. */
export function finalStatus(reply: MockHttpReply): number | null {
  if ('reset' in reply) return null;
  if ('delayMs' in reply) return finalStatus(reply.then);
  return reply.status;
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

interface ShareRule {
  share: number;
  fault: MockFault;
  random: SeededRandom;
}

export interface MockCoreOptions {
  /** The service's normal behaviour. */
  route: (request: MockHttpRequest) => MockHttpResponse;
  /** The service's error answer for an injected error status (500, 503, 429). */
  errorResponse: (
    status: number,
    message: string,
    headers: Record<string, string>,
  ) => MockHttpResponse;
}

export interface MockCore {
  handle: MockHttpHandler;
  readonly received: readonly ReceivedRequest[];
  readonly faults: FaultControl;
  /** Empties the log and removes every fault. */
  reset(): void;
}

/** Wraps a mock's behaviour with fault injection and the request log that both adapters share. */
export function createMockCore(options: MockCoreOptions): MockCore {
  const received: ReceivedRequest[] = [];
  const queue: { remaining: number; fault: MockFault }[] = [];
  let shareRule: ShareRule | undefined;

  function nextFault(): MockFault | undefined {
    const head = queue[0];
    if (head !== undefined) {
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
      return head.fault;
    }
    if (shareRule !== undefined && shareRule.random.next() < shareRule.share)
      return shareRule.fault;
    return undefined;
  }

  function applyFault(fault: MockFault, request: MockHttpRequest): MockHttpReply {
    switch (fault.kind) {
      case 'server-error':
        return options.errorResponse(500, 'injected fault: internal server error', {});
      case 'unavailable':
        return options.errorResponse(
          503,
          'injected fault: service unavailable',
          fault.retryAfterSeconds === undefined
            ? {}
            : { 'retry-after': String(fault.retryAfterSeconds) },
        );
      case 'rate-limited':
        return options.errorResponse(429, 'injected fault: too many requests', {
          'retry-after': String(fault.retryAfterSeconds ?? 1),
        });
      case 'delay':
        return { delayMs: fault.ms, then: options.route(request) };
      case 'reset':
        return { reset: true };
    }
  }

  const faults: FaultControl = {
    failNext(count, fault) {
      if (!Number.isInteger(count) || count < 1)
        throw new RangeError('count must be a positive integer');
      queue.push({ remaining: count, fault });
    },
    failShare(share, fault, seed = 1) {
      if (!(share >= 0 && share <= 1)) throw new RangeError('share must be between 0 and 1');
      shareRule = { share, fault, random: new SeededRandom(seed) };
    },
    clear() {
      queue.length = 0;
      shareRule = undefined;
    },
  };

  return {
    received,
    faults,
    reset() {
      received.length = 0;
      faults.clear();
    },
    handle(request) {
      const fault = nextFault();
      const reply = fault === undefined ? options.route(request) : applyFault(fault, request);
      const url = new URL(request.url);
      const rawBody = request.rawBody.toString('utf8');
      received.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers: request.headers,
        rawBody,
        body: parseJson(rawBody),
        status: finalStatus(reply),
        ...(fault === undefined ? {} : { fault: fault.kind }),
        receivedAt: new Date(),
      });
      return reply;
    },
  };
}
