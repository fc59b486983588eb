import { CHARGEBACK_DOCUMENT_WINDOW_DAYS, type StoredDocument } from '@mastercom/contracts';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/database/database-schema.js';
import type { DocumentStorage } from './document-storage.js';
import {
  chargebackCreatedAt,
  findDocument,
  getDocument,
  markDocumentForwarded,
} from './document-store.js';
import type { MastercomClient } from './mastercom-client.js';
import { MastercomError } from './mastercom-error.js';

export type ChargebackDocumentSubmission =
  | { kind: 'sent'; document: StoredDocument }
  | { kind: 'not-found' }
  | { kind: 'conflict'; detail: string }
  | { kind: 'mastercom-not-configured' }
  | { kind: 'mastercom-failed'; error: MastercomError };

/**
 * Sends a stored chargeback document to Mastercom as the chargeback's base64 `fileAttachment`
 * and marks it sent. Refused when it was sent already, when it belongs to a case (it goes with a
 * case action instead) or when the chargeback's document window has ended.
 */
export async function submitChargebackDocument(
  deps: { db: Kysely<Database>; storage: DocumentStorage; client: MastercomClient | undefined },
  documentId: string,
  memo: string,
): Promise<ChargebackDocumentSubmission> {
  const { db } = deps;
  const document = await findDocument(db, documentId);
  if (document === undefined) return { kind: 'not-found' };
  if (document.forwardedAt !== null) {
    return { kind: 'conflict', detail: `document ${documentId} was already sent to Mastercom` };
  }
  if (document.chargebackId === null || document.claimId === null) {
    return {
      kind: 'conflict',
      detail: `document ${documentId} belongs to case ${document.caseId ?? ''}; it is sent with a case action (PUT /api/v6/cases/${document.caseId ?? ''} with documentId)`,
    };
  }
  const created = await chargebackCreatedAt(db, document.chargebackId);
  const deadline = created + CHARGEBACK_DOCUMENT_WINDOW_DAYS * 86_400_000;
  if (Date.now() > deadline) {
    return {
      kind: 'conflict',
      detail: `Mastercom takes documents for a chargeback within ${String(CHARGEBACK_DOCUMENT_WINDOW_DAYS)} days of its creation; chargeback ${document.chargebackId}'s window ended on ${new Date(deadline).toISOString()}`,
    };
  }
  const content = await deps.storage.get(documentId);
  if (content === undefined) return { kind: 'not-found' };
  if (deps.client === undefined) return { kind: 'mastercom-not-configured' };
  try {
    await deps.client.updateChargeback(document.claimId, document.chargebackId, {
      memo,
      fileAttachment: { filename: document.mastercomFilename, file: content.toString('base64') },
    });
  } catch (error) {
    if (!(error instanceof MastercomError)) throw error;
    return { kind: 'mastercom-failed', error };
  }
  await markDocumentForwarded(db, documentId);
  return { kind: 'sent', document: await getDocument(db, documentId) };
}
