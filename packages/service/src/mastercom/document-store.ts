import type { StoredDocument } from '@mastercom/contracts';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, MastercomDocumentsTable } from '../platform/database/database-schema.js';

type DocumentRow = Selectable<MastercomDocumentsTable>;

/** What a document is filed under: a case, or a chargeback, and the claim of either. */
export interface DocumentOwner {
  case_id: string | null;
  chargeback_id: string | null;
  claim_id: string | null;
}

// Document ids are uuid columns: any other text names no document, and is not sent to PostgreSQL.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The case or chargeback an upload names, with its claim; undefined when it is not stored. */
export async function findDocumentOwner(
  db: Kysely<Database>,
  target: { caseId: string } | { chargebackId: string },
): Promise<DocumentOwner | undefined> {
  if ('caseId' in target) {
    const found = await db
      .selectFrom('mastercom_cases')
      .select(['case_id', 'claim_id'])
      .where('case_id', '=', target.caseId)
      .executeTakeFirst();
    return found && { case_id: found.case_id, chargeback_id: null, claim_id: found.claim_id };
  }
  const found = await db
    .selectFrom('mastercom_chargebacks')
    .select(['chargeback_id', 'claim_id'])
    .where('chargeback_id', '=', target.chargebackId)
    .executeTakeFirst();
  return found && { case_id: null, chargeback_id: found.chargeback_id, claim_id: found.claim_id };
}

export async function insertDocument(
  db: Kysely<Database>,
  document: Insertable<MastercomDocumentsTable>,
): Promise<void> {
  await db.insertInto('mastercom_documents').values(document).execute();
}

export async function findDocument(
  db: Kysely<Database>,
  documentId: string,
): Promise<StoredDocument | undefined> {
  if (!UUID.test(documentId)) return undefined;
  const row = await db
    .selectFrom('mastercom_documents')
    .selectAll()
    .where('document_id', '=', documentId)
    .executeTakeFirst();
  return row && toDocument(row);
}

/** A document this request has just written; its absence is a fault, not a 404. */
export async function getDocument(
  db: Kysely<Database>,
  documentId: string,
): Promise<StoredDocument> {
  const found = await findDocument(db, documentId);
  if (found === undefined) throw new Error('the document row vanished while it was being read');
  return found;
}

/** Documents of a case and/or a chargeback, oldest first, at most 500. */
export async function listDocuments(
  db: Kysely<Database>,
  query: { caseId?: string | undefined; chargebackId?: string | undefined },
): Promise<StoredDocument[]> {
  let select = db.selectFrom('mastercom_documents').selectAll();
  if (query.caseId !== undefined) select = select.where('case_id', '=', query.caseId);
  if (query.chargebackId !== undefined)
    select = select.where('chargeback_id', '=', query.chargebackId);
  const rows = await select.orderBy('uploaded_at').orderBy('document_id').limit(500).execute();
  return rows.map(toDocument);
}

/** Every document of a case, oldest first; undefined when there is no such case. */
export async function listCaseDocuments(
  db: Kysely<Database>,
  caseId: string,
): Promise<StoredDocument[] | undefined> {
  const found = await db
    .selectFrom('mastercom_cases')
    .select('case_id')
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (found === undefined) return undefined;
  const rows = await db
    .selectFrom('mastercom_documents')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('uploaded_at')
    .orderBy('document_id')
    .execute();
  return rows.map(toDocument);
}

/** The document a case action names, as the action needs it. */
export async function findCaseActionDocument(
  db: Kysely<Database>,
  documentId: string,
): Promise<Pick<DocumentRow, 'case_id' | 'mastercom_filename' | 'forwarded_at'> | undefined> {
  return db
    .selectFrom('mastercom_documents')
    .select(['case_id', 'mastercom_filename', 'forwarded_at'])
    .where('document_id', '=', documentId)
    .executeTakeFirst();
}

/**
 * Deletes a document not yet sent to Mastercom; false when it was sent. The guard is in the
 * statement, so a submission racing this delete cannot both succeed.
 */
export async function deleteUnsentDocument(
  db: Kysely<Database>,
  documentId: string,
): Promise<boolean> {
  const deleted = await db
    .deleteFrom('mastercom_documents')
    .where('document_id', '=', documentId)
    .where('forwarded_at', 'is', null)
    .executeTakeFirst();
  return deleted.numDeletedRows !== 0n;
}

/** When a stored chargeback was created, by Mastercom's date or else by when the sync saw it. */
export async function chargebackCreatedAt(
  db: Kysely<Database>,
  chargebackId: string,
): Promise<number> {
  const chargeback = await db
    .selectFrom('mastercom_chargebacks')
    .select(['create_date', 'first_seen_at'])
    .where('chargeback_id', '=', chargebackId)
    .executeTakeFirstOrThrow();
  return Date.parse(chargeback.create_date ?? '') || chargeback.first_seen_at.getTime();
}

export async function markDocumentForwarded(
  db: Kysely<Database>,
  documentId: string,
): Promise<void> {
  await db
    .updateTable('mastercom_documents')
    .set({ forwarded_at: new Date() })
    .where('document_id', '=', documentId)
    .execute();
}

function toDocument(row: DocumentRow): StoredDocument {
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
