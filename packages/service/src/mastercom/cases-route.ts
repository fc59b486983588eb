import {
  caseActionRequestSchema,
  caseListQuerySchema,
  problemFieldErrors,
} from '@mastercom/contracts';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import { jsonBody } from '../platform/http/json-body.js';
import type { Logger } from '../platform/observability/logger.js';
import { sendProblem } from '../platform/http/problem-details.js';
import { prepareFiling, statusAfterAction, withoutFullCardNumber } from './case-filing.js';
import {
  findCase,
  findCaseByFilingNumber,
  findFilingLinks,
  listCases,
  recordCaseAction,
  recordFiledCase,
} from './case-store.js';
import type { DocumentStorage } from './document-storage.js';
import { findCaseActionDocument } from './document-store.js';
import type { MastercomClient } from './mastercom-client.js';
import { sendMastercomFailure, sendMastercomNotConfigured } from './mastercom-problems.js';
import type { Access } from '../access/require-role.js';

export interface MastercomApiDeps {
  db: Kysely<Database>;
  /** The guard each route puts next to its path, with the role the route needs. */
  access: Access;
  /** Undefined when Mastercom is not configured: reads work, filing and sending answer 503. */
  client: MastercomClient | undefined;
  storage: DocumentStorage;
  documentMaxBytes: number;
  logger: Logger;
}

// A case may carry one base64 attachment of up to 22,000,000 characters.
const CASE_BODY_LIMIT = '24mb';

/** `/api/v6/cases`: file Mastercom cases, read them with their history, act on them. */
export function casesRouter(deps: MastercomApiDeps): Router {
  const router = Router();
  const { db } = deps;

  router.get('/api/v6/cases', deps.access('read'), async (req, res) => {
    const query = caseListQuerySchema.safeParse(req.query);
    if (!query.success) {
      sendProblem(
        res,
        400,
        'Invalid query',
        'the case list query has invalid parameters',
        problemFieldErrors(query.error),
      );
      return;
    }
    res.json({ items: await listCases(db, query.data) });
  });

  router.get('/api/v6/cases/:caseId', deps.access('read'), async (req, res) => {
    const caseId = String(req.params.caseId);
    const found = await findCase(db, caseId);
    if (found === undefined) {
      sendProblem(res, 404, 'Not found', `no case with id ${JSON.stringify(caseId.slice(0, 64))}`);
      return;
    }
    res.json(found);
  });

  router.post(
    '/api/v6/cases',
    deps.access('agent'),
    jsonBody({ limit: CASE_BODY_LIMIT, inFlight: ['primaryAccountNum'] }),
    async (req, res) => {
      // The body was parsed with every card number masked; a filing by card number needs the
      // full number once, in flight to Mastercom, and it is kept nowhere.
      const inFlight = (res.locals.inFlight ?? {}) as Record<string, string>;
      const prepared = prepareFiling(
        inFlight.primaryAccountNum === undefined
          ? req.body
          : { ...(req.body as object), primaryAccountNum: inFlight.primaryAccountNum },
      );
      if (!prepared.ok) {
        sendProblem(
          res,
          400,
          'Invalid case',
          'the case was not filed; fix the fields named in errors',
          problemFieldErrors(prepared.error),
        );
        return;
      }
      const { request } = prepared;
      const client = deps.client;
      if (client === undefined) {
        sendMastercomNotConfigured(res);
        return;
      }
      const existing = await findCaseByFilingNumber(db, request.customerFilingNumber);
      if (existing !== undefined) {
        sendProblem(
          res,
          409,
          'Conflict',
          `customer filing number ${request.customerFilingNumber} was already filed as case ${existing}`,
        );
        return;
      }
      const links = await findFilingLinks(db, request);
      const claimId = links.claimId;
      let created;
      try {
        created = await client.createCase(
          request,
          claimId === null
            ? undefined
            : () => client.findCaseOnClaim(claimId, request.customerFilingNumber),
        );
      } catch (error) {
        sendMastercomFailure(res, error);
        return;
      }
      await recordFiledCase(db, { ...created, request: withoutFullCardNumber(request), ...links });
      req.log.info(
        {
          caseId: created.caseId,
          caseType: request.caseType,
          claimId,
          foundAfterUnansweredAttempt: created.foundAfterUnansweredAttempt,
        },
        'Mastercom case filed',
      );
      res.status(201).json(await findCase(db, created.caseId));
    },
  );

  router.put(
    '/api/v6/cases/:caseId',
    deps.access('agent'),
    jsonBody({ limit: CASE_BODY_LIMIT }),
    async (req, res) => {
      const caseId = String(req.params.caseId);
      const parsed = caseActionRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        sendProblem(
          res,
          400,
          'Invalid action',
          'the action was not sent; fix the fields named in errors',
          problemFieldErrors(parsed.error),
        );
        return;
      }
      const { documentId, ...action } = parsed.data;
      const found = await findCase(db, caseId);
      if (found === undefined) {
        sendProblem(
          res,
          404,
          'Not found',
          `no case with id ${JSON.stringify(caseId.slice(0, 64))}`,
        );
        return;
      }
      const next = statusAfterAction(found.status, action.action);
      if (!next.ok) {
        sendProblem(res, 409, 'Conflict', next.reason);
        return;
      }
      let fileAttachment = action.fileAttachment;
      if (documentId !== undefined) {
        const document = await findCaseActionDocument(db, documentId);
        const content = document && (await deps.storage.get(documentId));
        if (document?.case_id !== caseId || content === undefined) {
          sendProblem(res, 404, 'Not found', `case ${caseId} has no document ${documentId}`, [
            { field: 'documentId', message: 'is not a document of this case' },
          ]);
          return;
        }
        if (document.forwarded_at !== null) {
          sendProblem(
            res,
            409,
            'Conflict',
            `document ${documentId} was already sent to Mastercom on ${document.forwarded_at.toISOString()}`,
          );
          return;
        }
        fileAttachment = {
          filename: document.mastercom_filename,
          file: content.toString('base64'),
        };
      }
      if (deps.client === undefined) {
        sendMastercomNotConfigured(res);
        return;
      }
      try {
        await deps.client.updateCase(caseId, {
          action: action.action,
          memo: action.memo,
          ...(fileAttachment === undefined ? {} : { fileAttachment }),
        });
      } catch (error) {
        sendMastercomFailure(res, error);
        return;
      }
      await recordCaseAction(db, {
        caseId,
        action: action.action,
        from: found.status,
        to: next.status,
        memo: action.memo,
        documentId: documentId ?? null,
      });
      res.json(await findCase(db, caseId));
    },
  );

  return router;
}
