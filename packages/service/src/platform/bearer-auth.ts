import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendProblem } from './problem-details.js';

/**
 * Bearer tokens for the operator API. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, so neither the content nor the length of a configured token leaks through
 * response timing.
 */
export function requireBearerToken(tokens: readonly string[]): RequestHandler {
  const digests = tokens.map(digest);
  return (req, res, next) => {
    const match = /^Bearer ([^\s]+)$/i.exec(req.get('authorization') ?? '');
    const presented = match?.[1];
    if (presented !== undefined) {
      const candidate = digest(presented);
      // Every digest is compared, so the time taken does not say which token matched.
      let matched = false;
      for (const known of digests) matched = timingSafeEqual(candidate, known) || matched;
      if (matched) {
        next();
        return;
      }
    }
    res.set('WWW-Authenticate', 'Bearer realm="mastercom-service"');
    sendProblem(res, 401, 'Unauthorized', 'a valid bearer token is required');
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
