import { problemFieldErrors } from '@mastercom/contracts';
import type { Request, Response } from 'express';
import type * as z from 'zod';
import { sendProblem } from '../platform/http/problem-details.js';
import { readCursor, type AlertCursor } from './alert-store.js';

/**
 * The query of a paged alert list, validated by its contract schema, and its cursor. On a bad
 * parameter or a cursor this service did not issue, answers 400 naming the field and returns
 * undefined.
 */
export function readPageQuery<Query extends { cursor?: string | undefined }>(
  req: Request,
  res: Response,
  schema: z.ZodType<Query>,
): { query: Query; cursor: AlertCursor | undefined } | undefined {
  const query = schema.safeParse(req.query);
  if (!query.success) {
    sendProblem(
      res,
      400,
      'Invalid query',
      'the query has invalid parameters',
      problemFieldErrors(query.error),
    );
    return undefined;
  }
  const cursor = readCursor(query.data.cursor);
  if (!cursor.ok) {
    sendProblem(res, 400, 'Invalid query', 'the cursor was not issued by this service', [
      { field: 'cursor', message: 'is not a cursor from a previous page' },
    ]);
    return undefined;
  }
  return { query: query.data, cursor: cursor.cursor };
}
