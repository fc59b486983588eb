import {
  problemFieldErrors,
  transactionImportRequestSchema,
  type TransactionImportResponse,
} from '@mastercom/contracts';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import { jsonBody } from '../platform/http/json-body.js';
import { sendProblem } from '../platform/http/problem-details.js';
import { LedgerImportConflictError, upsertTransactions } from './ledger-import.js';
import type { Access } from '../access/require-role.js';

/** `POST /api/v6/transactions`: fills the default MerchantLedger, in batches of up to 1000. */
export function transactionsRouter(deps: {
  db: Kysely<Database>;
  /** The guard each route puts next to its path, with the role the route needs. */
  access: Access;
}): Router {
  const router = Router();
  router.post(
    '/api/v6/transactions',
    deps.access('ledger'),
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
      const { transactions } = parsed.data;
      const seen = new Map<string, number>();
      const repeated = transactions.flatMap((transaction, index) => {
        const first = seen.get(transaction.transactionId);
        seen.set(transaction.transactionId, first ?? index);
        return first === undefined
          ? []
          : [
              {
                field: `transactions[${index}].transactionId`,
                message: `repeats transactions[${first}]; each transaction appears once per import`,
              },
            ];
      });
      if (repeated.length > 0) {
        sendProblem(
          res,
          400,
          'Invalid transactions',
          'the import was refused; nothing was stored',
          repeated,
        );
        return;
      }
      try {
        const result: TransactionImportResponse = await upsertTransactions(deps.db, transactions);
        res.json(result);
      } catch (error) {
        if (!(error instanceof LedgerImportConflictError)) throw error;
        sendProblem(
          res,
          409,
          'Conflict',
          'the import would undo refunds this service made or has in flight; nothing was stored',
          error.conflicts.map((conflict) => ({
            field: `transactions[${conflict.index}]`,
            message: `${conflict.transactionId} ${conflict.reason}`,
          })),
        );
      }
    },
  );
  return router;
}
