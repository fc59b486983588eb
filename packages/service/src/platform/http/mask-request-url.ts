import type { RequestHandler } from 'express';
import { maskCardNumbersInText } from '../security/card-masking.js';

/**
 * Masks card numbers in the request's path and query before anything reads them: the access log,
 * route parameters, lookups and the `instance` of error answers all see the masked URL. The URL
 * is decoded first (`%20` between digit groups is still a separator); a URL with no card number
 * is left exactly as it came.
 */
export function maskRequestUrl(): RequestHandler {
  return (req, _res, next) => {
    const masked = maskUrl(req.url);
    if (masked !== req.url) {
      req.url = masked;
      req.originalUrl = masked;
    }
    next();
  };
}

/** The URL with each card number in a decoded path segment or query part masked and re-encoded. */
export function maskUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? undefined : url.slice(queryAt + 1);
  const maskPart = (part: string, decode: (text: string) => string) => {
    const decoded = safeDecode(part, decode);
    const masked = maskCardNumbersInText(decoded);
    return masked === decoded ? part : encodeURIComponent(masked);
  };
  const maskedPath = path
    .split('/')
    .map((segment) => maskPart(segment, decodeURIComponent))
    .join('/');
  const maskedQuery = query
    ?.split('&')
    .map((pair) =>
      pair
        .split('=')
        .map((part) => maskPart(part, (text) => decodeURIComponent(text.replaceAll('+', ' '))))
        .join('='),
    )
    .join('&');
  return maskedQuery === undefined ? maskedPath : `${maskedPath}?${maskedQuery}`;
}

/** Decoded text, or the raw text when it is not valid percent-encoding (masked as it stands). */
function safeDecode(text: string, decode: (text: string) => string): string {
  try {
    return decode(text);
  } catch {
    return text;
  }
}
