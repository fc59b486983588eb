import {
  problemFieldErrors,
  transactionImportRequestSchema,
  type TransactionImportResponse,
} from '@mastercom/contracts';
import { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database-schema.js';
import { jsonBody } from '../platform/json-body.js';
import { sendProblem } from '../platform/problem-details.js';
import { upsertTransactions } from './merchant-ledger.js';

/** `POST /api/v6/transactions`: fills the default MerchantLedger, in batches of up to 1000. */
export function transactionsRouter(deps: {
  db: Kysely<Database>;
  requireToken: RequestHandler;
}): Router {
  const router = Router();
  router.post(
    '/api/v6/transactions',
    deps.requireToken,
    jsonBody({ limit: '2mb' }),
    async (req, res) => {
      const parsed = transactionImportRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        // Fields are named as the contracts name them (`transactions[0].cardBin`), the form the
        // Ethoca envelope and the invalid-example catalogue use, so a caller sees one convention.
        sendProblem(
          res,
          400,
          'Invalid transactions',
          'the import was refused; nothing was stored',
          problemFieldErrors(parsed.error),
        );
        return;
      }
      const result: TransactionImportResponse = await upsertTransactions(
        deps.db,
        parsed.data.transactions,
      );
      res.json(result);
    },
  );
  return router;
}
