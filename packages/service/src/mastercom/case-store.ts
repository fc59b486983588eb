import type {
  CaseAction,
  CaseDetail,
  CaseEvent,
  CaseRecord,
  CaseStatus,
  CreateCaseRequest,
} from '@mastercom/contracts';
import type { Kysely, Selectable } from 'kysely';
import type {
  Database,
  MastercomCaseEventsTable,
  MastercomCasesTable,
} from '../platform/database/database-schema.js';

type CaseRow = Selectable<MastercomCasesTable>;
type CaseEventRow = Selectable<MastercomCaseEventsTable>;

/**
 * The claim (and through it the alert) a filing is about, when the sync has stored it: by the
 * chargeback reference number, otherwise by the ARN.
 */
export async function findFilingLinks(
  db: Kysely<Database>,
  request: Pick<CreateCaseRequest, 'chargebackRefNum' | 'acquirerRefNum'>,
): Promise<{ claimId: string | null; alertId: string | null }> {
  const refs = request.chargebackRefNum ?? [];
  const byChargeback =
    refs.length === 0
      ? undefined
      : await db
          .selectFrom('mastercom_chargebacks as cb')
          .innerJoin('mastercom_claims as claim', 'claim.claim_id', 'cb.claim_id')
          .select(['claim.claim_id', 'claim.alert_id'])
          .where('cb.chargeback_ref_num', 'in', refs)
          .orderBy('cb.first_seen_at', 'desc')
          .limit(1)
          .executeTakeFirst();
  const found =
    byChargeback ??
    (request.acquirerRefNum === undefined
      ? undefined
      : await db
          .selectFrom('mastercom_claims')
          .select(['claim_id', 'alert_id'])
          .where('acquirer_ref_num', '=', request.acquirerRefNum)
          .orderBy('first_seen_at', 'desc')
          .limit(1)
          .executeTakeFirst());
  return { claimId: found?.claim_id ?? null, alertId: found?.alert_id ?? null };
}

export async function findCaseByFilingNumber(
  db: Kysely<Database>,
  customerFilingNumber: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('mastercom_cases')
    .select('case_id')
    .where('customer_filing_number', '=', customerFilingNumber)
    .executeTakeFirst();
  return row?.case_id;
}

/** Stores a case Mastercom accepted, with its FILE event, and notes it on its claim. */
export async function recordFiledCase(
  db: Kysely<Database>,
  filed: {
    caseId: string;
    request: CreateCaseRequest & { customerFilingNumber: string };
    claimId: string | null;
    alertId: string | null;
    foundAfterUnansweredAttempt: boolean;
  },
): Promise<void> {
  const { request } = filed;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('mastercom_cases')
      .values({
        case_id: filed.caseId,
        case_type: request.caseType,
        status: 'FILED',
        filing_as: request.filingAs,
        claim_id: filed.claimId,
        alert_id: filed.alertId,
        dispute_amount: request.disputeAmount,
        currency_code: request.currencyCode,
        customer_filing_number: request.customerFilingNumber,
        last_action: null,
        ruling_status: null,
        // The attachment is evidence kept in Mastercom; its base64 would only bloat the row.
        request: JSON.stringify({ ...request, fileAttachment: undefined }),
      })
      .execute();
    await trx
      .insertInto('mastercom_case_events')
      .values({
        case_id: filed.caseId,
        action: 'FILE',
        from_status: null,
        to_status: 'FILED',
        memo: request.memo,
        document_id: null,
      })
      .execute();
    if (filed.claimId !== null) {
      await trx
        .insertInto('mastercom_claim_events')
        .values({
          claim_id: filed.claimId,
          kind: 'CASE_FILED',
          detail: JSON.stringify({
            caseId: filed.caseId,
            caseType: request.caseType,
            customerFilingNumber: request.customerFilingNumber,
            foundAfterUnansweredAttempt: filed.foundAfterUnansweredAttempt,
          }),
        })
        .execute();
    }
  });
}

export async function findCase(
  db: Kysely<Database>,
  caseId: string,
): Promise<CaseDetail | undefined> {
  const row = await db
    .selectFrom('mastercom_cases')
    .selectAll()
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const events = await db
    .selectFrom('mastercom_case_events')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  return {
    ...toCaseRecord(row),
    customerFilingNumber: row.customer_filing_number,
    history: events.map(toCaseEvent),
  };
}

export async function listCases(
  db: Kysely<Database>,
  query: { status?: CaseStatus | undefined; limit: number },
): Promise<CaseRecord[]> {
  let select = db.selectFrom('mastercom_cases').selectAll();
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('case_id', 'desc')
    .limit(query.limit)
    .execute();
  return rows.map(toCaseRecord);
}

/** The cases filed for an alert, directly or on one of its Mastercom claims, newest first. */
export async function listCasesOfAlert(
  db: Kysely<Database>,
  alertId: string,
  claimIds: readonly string[],
): Promise<CaseRecord[]> {
  const rows = await db
    .selectFrom('mastercom_cases')
    .selectAll()
    .where((where) =>
      claimIds.length === 0
        ? where('alert_id', '=', alertId)
        : where.or([where('alert_id', '=', alertId), where('claim_id', 'in', claimIds)]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('case_id', 'desc')
    .execute();
  return rows.map(toCaseRecord);
}

/** Records an action Mastercom accepted; `expectedStatus` guards against a concurrent action. */
export async function recordCaseAction(
  db: Kysely<Database>,
  change: {
    caseId: string;
    action: CaseAction;
    from: CaseStatus;
    to: CaseStatus;
    memo: string;
    documentId: string | null;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const at = new Date();
    await trx
      .updateTable('mastercom_cases')
      .set({ status: change.to, last_action: change.action, updated_at: at })
      .where('case_id', '=', change.caseId)
      .execute();
    await trx
      .insertInto('mastercom_case_events')
      .values({
        case_id: change.caseId,
        action: change.action,
        from_status: change.from,
        to_status: change.to,
        memo: change.memo,
        document_id: change.documentId,
      })
      .execute();
    if (change.documentId !== null) {
      await trx
        .updateTable('mastercom_documents')
        .set({ forwarded_at: at })
        .where('document_id', '=', change.documentId)
        .execute();
    }
  });
}

function toCaseRecord(row: CaseRow): CaseRecord {
  return {
    caseId: row.case_id,
    caseType: row.case_type,
    status: row.status,
    filingAs: row.filing_as,
    claimId: row.claim_id,
    alertId: row.alert_id,
    disputeAmount: row.dispute_amount,
    currencyCode: row.currency_code,
    lastAction: row.last_action as CaseAction | null,
    rulingStatus: row.ruling_status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toCaseEvent(row: CaseEventRow): CaseEvent {
  return {
    at: row.at.toISOString(),
    action: row.action as CaseEvent['action'],
    fromStatus: row.from_status as CaseStatus | null,
    toStatus: row.to_status as CaseStatus,
    memo: row.memo,
    documentId: row.document_id,
  };
}
