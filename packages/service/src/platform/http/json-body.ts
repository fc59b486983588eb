import express, { Router, type RequestHandler } from 'express';
import {
  JsonSyntaxError,
  parseJsonMaskingCards,
  readInFlightFields,
} from '../security/card-masking.js';
import { sendProblem } from './problem-details.js';

/**
 * The JSON body parser of the operator API, in place of `express.json`: reads an
 * `application/json` body of at most `limit` (body-parser's size syntax, e.g. `16kb`) and parses it
 * with `parseJsonMaskingCards`, so no route ever holds a full card number from a body. A malformed
 * body is answered 400 saying what is wrong and where, without quoting it. Other media types pass
 * through with `req.body` unset, as with `express.json`.
 */
export function jsonBody(options: {
  limit: string;
  /**
   * Top-level string fields whose unmasked value the route must send on in flight; they are put
   * in `res.locals.inFlight`, never in `req.body`.
   */
  inFlight?: readonly string[];
}): RequestHandler {
  // A router of two steps is one handler a route can list like `express.json(...)`.
  const parse = Router();
  parse.use(express.raw({ type: 'application/json', limit: options.limit }), (req, res, next) => {
    if (!Buffer.isBuffer(req.body)) {
      next();
      return;
    }
    const raw = req.body;
    try {
      req.body = parseJsonMaskingCards(raw);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      req.body = undefined;
      sendProblem(res, 400, 'Invalid JSON', `body: ${error.message}`);
      return;
    }
    if (options.inFlight !== undefined) {
      res.locals.inFlight = readInFlightFields(raw, options.inFlight);
    }
    next();
  });
  return parse;
}
