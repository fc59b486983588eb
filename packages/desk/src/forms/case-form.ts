import {
  caseCreateRequestSchema,
  problemFieldErrors,
  type CreateCaseRequest,
  type DeskAlert,
} from '@mastercom/contracts';
import type { FieldErrors } from './field-errors.js';

/** The case filing form's inputs, as text. Filing by card number is not offered here (see README). */
export interface CaseFormValues {
  caseType: string;
  filingAs: string;
  chargebackRefNum: string;
  acquirerRefNum: string;
  chargebackReasonCode: string;
  violationCode: string;
  violationDate: string;
  disputeAmount: string;
  currencyCode: string;
  filingIca: string;
  filedAgainstIca: string;
  customerFilingNumber: string;
  memo: string;
}

export const CASE_FIELDS: readonly (keyof CaseFormValues)[] = [
  'caseType',
  'filingAs',
  'chargebackRefNum',
  'acquirerRefNum',
  'chargebackReasonCode',
  'violationCode',
  'violationDate',
  'disputeAmount',
  'currencyCode',
  'filingIca',
  'filedAgainstIca',
  'customerFilingNumber',
  'memo',
];

/** 1 pre-arbitration, 2 arbitration, 3 pre-compliance, 4 compliance (Mastercom's codes). */
export const CASE_TYPE_NAMES: Readonly<Record<string, string>> = {
  '1': 'Pre-arbitration',
  '2': 'Arbitration',
  '3': 'Pre-compliance',
  '4': 'Compliance',
};

/** Starts from what the alert already says: its amount, its ARN, its first chargeback. */
export function initialCaseForm(view: DeskAlert): CaseFormValues {
  const chargeback = view.claims.flatMap((claim) => claim.chargebacks)[0];
  const amount = chargeback?.amount ?? {
    value: view.alert.amount.value.toFixed(2),
    currencyCode: view.alert.amount.currencyCode,
  };
  return {
    caseType: '1',
    filingAs: 'A',
    chargebackRefNum: chargeback?.chargebackRefNum ?? '',
    acquirerRefNum: view.alert.acquirerReferenceNumber ?? '',
    chargebackReasonCode: chargeback?.reasonCode ?? '',
    violationCode: '',
    violationDate: '',
    disputeAmount: Number(amount.value).toFixed(2),
    currencyCode: amount.currencyCode,
    filingIca: '',
    filedAgainstIca: '',
    customerFilingNumber: '',
    memo: '',
  };
}

/** The filing the form stands for, checked with the API's own schema, or its field errors. */
export function toCaseRequest(
  values: CaseFormValues,
): { ok: true; request: CreateCaseRequest } | { ok: false; errors: FieldErrors } {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const chargebackRefNum = text(values.chargebackRefNum);
  const candidate = {
    caseType: values.caseType,
    filingAs: values.filingAs,
    disputeAmount: values.disputeAmount.trim(),
    currencyCode: values.currencyCode.trim().toUpperCase(),
    filingIca: values.filingIca.trim(),
    filedAgainstIca: values.filedAgainstIca.trim(),
    memo: values.memo.trim(),
    ...(chargebackRefNum === undefined ? {} : { chargebackRefNum: [chargebackRefNum] }),
    ...optional('acquirerRefNum', text(values.acquirerRefNum)),
    ...optional('chargebackReasonCode', text(values.chargebackReasonCode)),
    ...optional('violationCode', text(values.violationCode)),
    ...optional('violationDate', text(values.violationDate)),
    ...optional('customerFilingNumber', text(values.customerFilingNumber)),
  };
  const parsed = caseCreateRequestSchema.safeParse(candidate);
  if (!parsed.success) {
    const errors: Record<string, string[]> = {};
    for (const { field, message } of problemFieldErrors(parsed.error)) {
      (errors[field] ??= []).push(message);
    }
    return { ok: false, errors };
  }
  return { ok: true, request: parsed.data };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
