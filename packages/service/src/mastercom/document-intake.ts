import { createHash, randomUUID } from 'node:crypto';
import type { StoredDocument } from '@mastercom/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import type { FieldProblem } from '../platform/http/problem-details.js';
import { detectContentType, mastercomFilename } from './document-content.js';
import type { DocumentStorage } from './document-storage.js';
import { findDocumentOwner, getDocument, insertDocument } from './document-store.js';

/** A document as an operator sent it, whichever way it was uploaded. */
export interface DocumentUpload {
  target: { caseId: string } | { chargebackId: string };
  filename: string;
  content: Buffer;
  memo: string | undefined;
}

export type DocumentIntake =
  | { stored: true; document: StoredDocument }
  | {
      stored: false;
      problem: { status: number; title: string; detail: string; errors?: FieldProblem[] };
    };

/**
 * Checks an upload (not empty, at most `documentMaxBytes`, PDF, TIFF or JPEG by its first bytes,
 * for a stored case or chargeback), then keeps its content through the DocumentStorage port and
 * its metadata in the database. Content whose metadata could not be written is removed again.
 */
export async function storeDocument(
  deps: { db: Kysely<Database>; storage: DocumentStorage; documentMaxBytes: number },
  upload: DocumentUpload,
): Promise<DocumentIntake> {
  const refuse = (status: number, title: string, detail: string, errors?: FieldProblem[]) => ({
    stored: false as const,
    problem: { status, title, detail, ...(errors === undefined ? {} : { errors }) },
  });
  if (upload.content.length === 0) {
    return refuse(400, 'Invalid upload', 'the file is empty', [
      { field: 'file', message: 'is empty' },
    ]);
  }
  if (upload.content.length > deps.documentMaxBytes) {
    return refuse(
      413,
      'Payload too large',
      `a document may have at most ${String(deps.documentMaxBytes)} bytes`,
    );
  }
  const contentType = detectContentType(upload.content);
  if (contentType === undefined) {
    return refuse(
      415,
      'Unsupported media type',
      'Mastercom takes PDF, TIFF and JPEG documents; the content of this file is none of them, whatever its name',
      [{ field: 'file', message: 'is not a PDF, TIFF or JPEG by its content' }],
    );
  }
  const owner = await findDocumentOwner(deps.db, upload.target);
  if (owner === undefined) {
    return refuse(
      404,
      'Not found',
      'caseId' in upload.target
        ? `no case with id ${upload.target.caseId.slice(0, 64)}`
        : `no chargeback with id ${upload.target.chargebackId.slice(0, 64)}`,
    );
  }
  const documentId = randomUUID();
  await deps.storage.put(documentId, upload.content);
  try {
    await insertDocument(deps.db, {
      document_id: documentId,
      ...owner,
      filename: upload.filename.slice(0, 255),
      mastercom_filename: mastercomFilename(upload.filename, contentType),
      content_type: contentType,
      size_bytes: upload.content.length,
      sha256: createHash('sha256').update(upload.content).digest('hex'),
      memo: upload.memo ?? null,
    });
  } catch (error) {
    await deps.storage.delete(documentId);
    throw error;
  }
  return { stored: true, document: await getDocument(deps.db, documentId) };
}
