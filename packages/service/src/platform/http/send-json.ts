import type { ServerResponse } from 'node:http';

/**
 * Answers with a JSON body as Express's `res.json` does (same text, `charset=utf-8`) on Node's own
 * response, for the direct route. No ETag: the webhook answers POSTs, which no cache revalidates.
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json; charset=utf-8',
): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
