import {
  caseDocumentUploadSchema,
  documentListQuerySchema,
  documentSubmitRequestSchema,
  problemFieldErrors,
} from '@mastercom/contracts';
import { Router, type Request, type Response } from 'express';
import { maskCardNumbersInText } from '../platform/security/card-masking.js';
import { jsonBody } from '../platform/http/json-body.js';
import { sendProblem } from '../platform/http/problem-details.js';
import type { MastercomApiDeps } from './cases-route.js';
import { submitChargebackDocument } from './chargeback-document-submission.js';
import { storeDocument, type DocumentUpload } from './document-intake.js';
import {
  deleteUnsentDocument,
  findDocument,
  listCaseDocuments,
  listDocuments,
} from './document-store.js';
import { sendMastercomFailure, sendMastercomNotConfigured } from './mastercom-problems.js';
import { readMultipartUpload } from './multipart-upload.js';

/** Room for the form's boundaries and text fields on top of the file itself. */
const FORM_OVERHEAD_BYTES = 256 * 1024;

/**
 * Documents for cases and chargebacks: stored first (content through the DocumentStorage port),
 * then sent to Mastercom as base64 `fileAttachment`: a chargeback's with
 * `POST /api/v6/documents/{id}/submit`, a case's with the case action that names it. A document
 * can be deleted until it has been sent.
 */
export function documentsRouter(deps: MastercomApiDeps): Router {
  const router = Router();
  const { db } = deps;

  function contentLengthTooLarge(req: Request, res: Response): boolean {
    const length = Number(req.get('content-length') ?? '0');
    if (length <= deps.documentMaxBytes + FORM_OVERHEAD_BYTES) return false;
    // Refused before reading: nobody waits for megabytes that will be thrown away.
    res.set('Connection', 'close');
    sendProblem(
      res,
      413,
      'Payload too large',
      `a document may have at most ${String(deps.documentMaxBytes)} bytes`,
    );
    return true;
  }

  async function fromMultipart(
    req: Request,
    res: Response,
    caseIdFromPath?: string,
  ): Promise<DocumentUpload | undefined> {
    const form = await readMultipartUpload(req, { maxFileBytes: deps.documentMaxBytes });
    if (form.kind === 'too-large') {
      sendProblem(
        res,
        413,
        'Payload too large',
        `a document may have at most ${String(form.limitBytes)} bytes`,
      );
      return undefined;
    }
    if (form.kind === 'invalid') {
      sendProblem(res, 400, 'Invalid upload', form.reason);
      return undefined;
    }
    const caseId = caseIdFromPath ?? form.fields.caseId;
    const chargebackId = caseIdFromPath === undefined ? form.fields.chargebackId : undefined;
    if ((caseId === undefined) === (chargebackId === undefined)) {
      sendProblem(res, 400, 'Invalid upload', 'name exactly one of caseId and chargebackId', [
        { field: 'caseId', message: 'give caseId or chargebackId, not both or neither' },
      ]);
      return undefined;
    }
    const memo = form.fields.memo;
    if (memo !== undefined && (memo === '' || memo.length > 13_000)) {
      sendProblem(res, 400, 'Invalid upload', 'memo must have 1 to 13,000 characters', [
        { field: 'memo', message: 'must have 1 to 13,000 characters' },
      ]);
      return undefined;
    }
    // A multipart form is not JSON, so its file name and memo are masked here: both are kept and
    // sent on to Mastercom.
    return {
      target: caseId === undefined ? { chargebackId: chargebackId ?? '' } : { caseId },
      filename: maskCardNumbersInText(form.file.filename),
      content: form.file.content,
      memo: memo === undefined ? undefined : maskCardNumbersInText(memo),
    };
  }

  async function store(res: Response, upload: DocumentUpload): Promise<void> {
    const intake = await storeDocument(deps, upload);
    if (!intake.stored) {
      const { status, title, detail, errors } = intake.problem;
      sendProblem(res, status, title, detail, errors);
      return;
    }
    res
      .status(201)
      .location(`/api/v6/documents/${intake.document.documentId}`)
      .json(intake.document);
  }

  function notFound(res: Response, documentId: string): void {
    sendProblem(
      res,
      404,
      'Not found',
      `no document with id ${JSON.stringify(documentId.slice(0, 64))}`,
    );
  }

  router.post('/api/v6/documents', deps.access('agent'), async (req, res) => {
    if (!req.is('multipart/form-data')) {
      sendProblem(res, 415, 'Unsupported media type', 'send the document as multipart/form-data');
      return;
    }
    if (contentLengthTooLarge(req, res)) return;
    const upload = await fromMultipart(req, res);
    if (upload !== undefined) await store(res, upload);
  });

  router.post(
    '/api/v6/cases/:caseId/documents',
    deps.access('agent'),
    (req, res, next) => {
      if (!contentLengthTooLarge(req, res)) next();
    },
    // Parses JSON bodies only; a multipart body passes through unread, for busboy.
    jsonBody({ limit: '24mb' }),
    async (req, res) => {
      const caseId = String(req.params.caseId);
      if (req.is('multipart/form-data')) {
        const upload = await fromMultipart(req, res, caseId);
        if (upload !== undefined) await store(res, upload);
        return;
      }
      if (!req.is('application/json')) {
        sendProblem(
          res,
          415,
          'Unsupported media type',
          'send the document as multipart/form-data or as JSON with base64 content',
        );
        return;
      }
      const parsed = caseDocumentUploadSchema.safeParse(req.body);
      if (!parsed.success) {
        sendProblem(
          res,
          400,
          'Invalid upload',
          'the document was not stored',
          problemFieldErrors(parsed.error),
        );
        return;
      }
      await store(res, {
        target: { caseId },
        filename: parsed.data.filename,
        content: Buffer.from(parsed.data.contentBase64, 'base64'),
        memo: parsed.data.memo,
      });
    },
  );

  router.get('/api/v6/documents', deps.access('read'), async (req, res) => {
    const query = documentListQuerySchema.safeParse(req.query);
    if (
      !query.success ||
      (query.data.caseId === undefined && query.data.chargebackId === undefined)
    ) {
      sendProblem(res, 400, 'Invalid query', 'name a caseId or a chargebackId', [
        { field: 'caseId', message: 'caseId or chargebackId is required' },
      ]);
      return;
    }
    res.json({ items: await listDocuments(db, query.data) });
  });

  router.get('/api/v6/cases/:caseId/documents', deps.access('read'), async (req, res) => {
    const caseId = String(req.params.caseId);
    const items = await listCaseDocuments(db, caseId);
    if (items === undefined) {
      sendProblem(res, 404, 'Not found', `no case with id ${JSON.stringify(caseId.slice(0, 64))}`);
      return;
    }
    res.json({ items });
  });

  router.get('/api/v6/documents/:documentId', deps.access('read'), async (req, res) => {
    const documentId = String(req.params.documentId);
    const document = await findDocument(db, documentId);
    if (document === undefined) {
      notFound(res, documentId);
      return;
    }
    res.json(document);
  });

  router.get('/api/v6/documents/:documentId/content', deps.access('read'), async (req, res) => {
    const documentId = String(req.params.documentId);
    const document = await findDocument(db, documentId);
    const content = document && (await deps.storage.get(documentId));
    if (document === undefined || content === undefined) {
      notFound(res, documentId);
      return;
    }
    res
      .status(200)
      .type(document.contentType)
      .set('Content-Disposition', `attachment; filename="${document.mastercomFilename}"`)
      .send(content);
  });

  router.delete('/api/v6/documents/:documentId', deps.access('agent'), async (req, res) => {
    const documentId = String(req.params.documentId);
    if ((await findDocument(db, documentId)) === undefined) {
      notFound(res, documentId);
      return;
    }
    if (!(await deleteUnsentDocument(db, documentId))) {
      sendProblem(
        res,
        409,
        'Conflict',
        `document ${documentId} was already sent to Mastercom and stays as evidence`,
      );
      return;
    }
    await deps.storage.delete(documentId);
    res.status(204).end();
  });

  router.post(
    '/api/v6/documents/:documentId/submit',
    deps.access('agent'),
    jsonBody({ limit: '64kb' }),
    async (req, res) => {
      const documentId = String(req.params.documentId);
      const parsed = documentSubmitRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        sendProblem(
          res,
          400,
          'Invalid request',
          'the document was not sent',
          problemFieldErrors(parsed.error),
        );
        return;
      }
      const submission = await submitChargebackDocument(deps, documentId, parsed.data.memo);
      switch (submission.kind) {
        case 'sent':
          res.json(submission.document);
          return;
        case 'not-found':
          notFound(res, documentId);
          return;
        case 'conflict':
          sendProblem(res, 409, 'Conflict', submission.detail);
          return;
        case 'mastercom-not-configured':
          sendMastercomNotConfigured(res);
          return;
        case 'mastercom-failed':
          sendMastercomFailure(res, submission.error);
          return;
      }
    },
  );

  return router;
}
