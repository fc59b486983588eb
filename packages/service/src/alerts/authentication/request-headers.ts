import type { IncomingHttpHeaders } from 'node:http';

/**
 * The parts of a request that authentication reads. An Express request or a plain
 * `http.IncomingMessage` satisfies it; unit tests can pass a literal.
 */
export interface DeliveryRequest {
  readonly headers: IncomingHttpHeaders;
  /**
   * Node joins repeated headers into one comma-separated string in `headers`; this view keeps
   * them apart, which is how a repeated security header is told from a single one.
   */
  readonly headersDistinct?: NodeJS.Dict<string[]>;
  /** The TCP socket; a `tls.TLSSocket` when this process terminated TLS itself. */
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/**
 * Far above any legitimate value (a DN, a message id, a handful of signatures) and far below
 * anything that would make hashing or parsing the header expensive.
 */
export const MAX_HEADER_LENGTH = 8192;

export type HeaderRead =
  | { readonly status: 'missing' }
  | { readonly status: 'present'; readonly value: string }
  | { readonly status: 'invalid'; readonly detail: string };

/**
 * Reads a header that must appear at most once. An attacker who can add a header can often not
 * remove one a proxy adds, so a repeated security header is refused instead of picking a copy.
 */
export function readSingleHeader(req: DeliveryRequest, name: string): HeaderRead {
  const key = name.toLowerCase();
  const distinct = req.headersDistinct?.[key];
  if (distinct !== undefined && distinct.length > 1) {
    return { status: 'invalid', detail: `${key} was sent ${distinct.length} times` };
  }
  const raw: unknown = req.headers[key];
  let value: string;
  if (raw === undefined) {
    return { status: 'missing' };
  } else if (typeof raw === 'string') {
    value = raw;
  } else if (Array.isArray(raw) && raw.length === 1 && typeof raw[0] === 'string') {
    value = raw[0];
  } else if (Array.isArray(raw) && raw.length === 0) {
    return { status: 'missing' };
  } else {
    return { status: 'invalid', detail: `${key} was sent more than once` };
  }
  if (value.length === 0) {
    return { status: 'missing' };
  }
  if (value.length > MAX_HEADER_LENGTH) {
    return {
      status: 'invalid',
      detail: `${key} is ${value.length} characters long, more than ${MAX_HEADER_LENGTH}`,
    };
  }
  return { status: 'present', value };
}
