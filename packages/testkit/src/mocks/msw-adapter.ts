import { delay, HttpResponse } from 'msw';
import type { MockHttpHandler, MockHttpReply } from './mock-http.js';

/** Turns a mock reply into what an msw resolver returns; a reset becomes a network error. */
async function toResponse(reply: MockHttpReply): Promise<Response> {
  if ('reset' in reply) return HttpResponse.error();
  if ('delayMs' in reply) {
    await delay(reply.delayMs);
    return toResponse(reply.then);
  }
  return new HttpResponse(reply.body, { status: reply.status, headers: reply.headers });
}

/**
 * An msw response resolver that hands the intercepted request, with its exact body bytes, to a
 * mock handler. Use it with `http.post(url, resolver)` and friends.
 */
export function mswResolver(handler: MockHttpHandler) {
  return async ({ request }: { request: Request }): Promise<Response> => {
    const rawBody = Buffer.from(await request.arrayBuffer());
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return toResponse(handler({ method: request.method, url: request.url, headers, rawBody }));
  };
}
