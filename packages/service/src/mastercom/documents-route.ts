import { createHash, randomUUID } from 'node:crypto';
import {
  CHARGEBACK_DOCUMENT_WINDOW_DAYS,
  caseDocumentUploadSchema,
  documentListQuerySchema,
  documentSubmitRequestSchema,
  problemFieldErrors,
  type StoredDocument,
} from '@mastercom/contracts';
import { Router, type Request, type Response } from 'express';
import type { Selectable } from 'kysely';
import type { MastercomDocumentsTable } from '../platform/database-schema.js';
import { maskCardNumbersInText } from '../platform/card-masking.js';
import { jsonBody } from '../platform/json-body.js';
import { sendProblem } from '../platform/problem-details.js';
import type { MastercomApiDeps } from './cases-route.js';
import { detectContentType, mastercomFilename } from './document-content.js';
import { sendMastercomFailure, sendMastercomNotConfigured } from './mastercom-problems.js';
import { readMultipartUpload } from './multipart-upload.js';

type DocumentRow = Selectable<MastercomDocumentsTable>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Room for the form's boundaries and text fields on top of the file itself. */
const FORM_OVERHEAD_BYTES = 256 * 1024;

interface Upload {
  target: { caseId: string } | { chargebackId: string };
  filename: string;
  content: Buffer;
  memo: string | undefined;
}

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
  ): Promise<Upload | undefined> {
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

  async function store(res: Response, upload: Upload): Promise<void> {
    if (upload.content.length === 0) {
      sendProblem(res, 400, 'Invalid upload', 'the file is empty', [
        { field: 'file', message: 'is empty' },
      ]);
      return;
    }
    if (upload.content.length > deps.documentMaxBytes) {
      sendProblem(
        res,
        413,
        'Payload too large',
        `a document may have at most ${String(deps.documentMaxBytes)} bytes`,
      );
      return;
    }
    const contentType = detectContentType(upload.content);
    if (contentType === undefined) {
      sendProblem(
        res,
        415,
        'Unsupported media type',
        'Mastercom takes PDF, TIFF and JPEG documents; the content of this file is none of them, whatever its name',
      );
      return;
    }
    let owner: { case_id: string | null; chargeback_id: string | null; claim_id: string | null };
    if ('caseId' in upload.target) {
      const found = await db
        .selectFrom('mastercom_cases')
        .select(['case_id', 'claim_id'])
        .where('case_id', '=', upload.target.caseId)
        .executeTakeFirst();
      if (found === undefined) {
        sendProblem(res, 404, 'Not found', `no case with id ${upload.target.caseId.slice(0, 64)}`);
        return;
      }
      owner = { case_id: found.case_id, chargeback_id: null, claim_id: found.claim_id };
    } else {
      const found = await db
        .selectFrom('mastercom_chargebacks')
        .select(['chargeback_id', 'claim_id'])
        .where('chargeback_id', '=', upload.target.chargebackId)
        .executeTakeFirst();
      if (found === undefined) {
        sendProblem(
          res,
          404,
          'Not found',
          `no chargeback with id ${upload.target.chargebackId.slice(0, 64)}`,
        );
        return;
      }
      owner = { case_id: null, chargeback_id: found.chargeback_id, claim_id: found.claim_id };
    }
    const documentId = randomUUID();
    await deps.storage.put(documentId, upload.content);
    try {
      await db
        .insertInto('mastercom_documents')
        .values({
          document_id: documentId,
          ...owner,
          filename: upload.filename.slice(0, 255),
          mastercom_filename: mastercomFilename(upload.filename, contentType),
          content_type: contentType,
          size_bytes: upload.content.length,
          sha256: createHash('sha256').update(upload.content).digest('hex'),
          memo: upload.memo ?? null,
        })
        .execute();
    } catch (error) {
      await deps.storage.delete(documentId);
      throw error;
    }
    res
      .status(201)
      .location(`/api/v6/documents/${documentId}`)
      .json(toDocument(await loadDocument(documentId)));
  }

  async function loadDocument(documentId: string): Promise<DocumentRow | undefined> {
    if (!UUID.test(documentId)) return undefined;
    return db
      .selectFrom('mastercom_documents')
      .selectAll()
      .where('document_id', '=', documentId)
      .executeTakeFirst();
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
    let select = db.selectFrom('mastercom_documents').selectAll();
    if (query.data.caseId !== undefined) select = select.where('case_id', '=', query.data.caseId);
    if (query.data.chargebackId !== undefined)
      select = select.where('chargeback_id', '=', query.data.chargebackId);
    const rows = await select.orderBy('uploaded_at').orderBy('document_id').limit(500).execute();
    res.json({ items: rows.map(toDocument) });
  });

  router.get('/api/v6/cases/:caseId/documents', deps.access('read'), async (req, res) => {
    const caseId = String(req.params.caseId);
    const found = await db
      .selectFrom('mastercom_cases')
      .select('case_id')
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    if (found === undefined) {
      sendProblem(res, 404, 'Not found', `no case with id ${JSON.stringify(caseId.slice(0, 64))}`);
      return;
    }
    const rows = await db
      .selectFrom('mastercom_documents')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('uploaded_at')
      .orderBy('document_id')
      .execute();
    res.json({ items: rows.map(toDocument) });
  });

  router.get('/api/v6/documents/:documentId', deps.access('read'), async (req, res) => {
    const documentId = String(req.params.documentId);
    const row = await loadDocument(documentId);
    if (row === undefined) {
      notFound(res, documentId);
      return;
    }
    res.json(toDocument(row));
  });

  router.get('/api/v6/documents/:documentId/content', deps.access('read'), async (req, res) => {
    const documentId = String(req.params.documentId);
    const row = await loadDocument(documentId);
    const content = row && (await deps.storage.get(documentId));
    if (row === undefined || content === undefined) {
      notFound(res, documentId);
      return;
    }
    res
      .status(200)
      .type(row.content_type)
      .set('Content-Disposition', `attachment; filename="${row.mastercom_filename}"`)
      .send(content);
  });

  router.delete('/api/v6/documents/:documentId', deps.access('agent'), async (req, res) => {
    const documentId = String(req.params.documentId);
    const row = await loadDocument(documentId);
    if (row === undefined) {
      notFound(res, documentId);
      return;
    }
    // The guard is in the statement, so a submission racing this delete cannot both succeed.
    const deleted = await db
      .deleteFrom('mastercom_documents')
      .where('document_id', '=', documentId)
      .where('forwarded_at', 'is', null)
      .executeTakeFirst();
    if (deleted.numDeletedRows === 0n) {
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
      const row = await loadDocument(documentId);
      if (row === undefined) {
        notFound(res, documentId);
        return;
      }
      if (row.forwarded_at !== null) {
        sendProblem(res, 409, 'Conflict', `document ${documentId} was already sent to Mastercom`);
        return;
      }
      if (row.chargeback_id === null || row.claim_id === null) {
        sendProblem(
          res,
          409,
          'Conflict',
          `document ${documentId} belongs to case ${row.case_id ?? ''}; it is sent with a case action (PUT /api/v6/cases/${row.case_id ?? ''} with documentId)`,
        );
        return;
      }
      const chargeback = await db
        .selectFrom('mastercom_chargebacks')
        .select(['create_date', 'first_seen_at'])
        .where('chargeback_id', '=', row.chargeback_id)
        .executeTakeFirstOrThrow();
      const created =
        Date.parse(chargeback.create_date ?? '') || chargeback.first_seen_at.getTime();
      const deadline = created + CHARGEBACK_DOCUMENT_WINDOW_DAYS * 86_400_000;
      if (Date.now() > deadline) {
        sendProblem(
          res,
          409,
          'Conflict',
          `Mastercom takes documents for a chargeback within ${String(CHARGEBACK_DOCUMENT_WINDOW_DAYS)} days of its creation; chargeback ${row.chargeback_id}'s window ended on ${new Date(deadline).toISOString()}`,
        );
        return;
      }
      const content = await deps.storage.get(documentId);
      if (content === undefined) {
        notFound(res, documentId);
        return;
      }
      if (deps.client === undefined) {
        sendMastercomNotConfigured(res);
        return;
      }
      try {
        await deps.client.updateChargeback(row.claim_id, row.chargeback_id, {
          memo: parsed.data.memo,
          fileAttachment: { filename: row.mastercom_filename, file: content.toString('base64') },
        });
      } catch (error) {
        sendMastercomFailure(res, error);
        return;
      }
      await db
        .updateTable('mastercom_documents')
        .set({ forwarded_at: new Date() })
        .where('document_id', '=', documentId)
        .execute();
      res.json(toDocument(await loadDocument(documentId)));
    },
  );

  return router;
}

function toDocument(row: DocumentRow | undefined): StoredDocument {
  if (row === undefined) throw new Error('the document row vanished while it was being read');
  return {
    documentId: row.document_id,
    caseId: row.case_id,
    claimId: row.claim_id,
    chargebackId: row.chargeback_id,
    filename: row.filename,
    mastercomFilename: row.mastercom_filename,
    contentType: row.content_type,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    memo: row.memo,
    uploadedAt: row.uploaded_at.toISOString(),
    forwardedAt: row.forwarded_at === null ? null : row.forwarded_at.toISOString(),
  };
}
