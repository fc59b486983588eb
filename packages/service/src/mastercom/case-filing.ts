/**
 * The rules of the case API that need no I/O: the filing reference every case is sent with, and
 * what each Mastercom case action does to the case's status.
 */
import { randomInt } from 'node:crypto';
import {
  caseCreateRequestSchema,
  luhnCheckDigit,
  type CaseAction,
  type CaseStatus,
  type CreateCaseRequest,
} from '@mastercom/contracts';
import type { z } from 'zod';
import { maskCardNumbersDeep, maskDigits } from '../platform/security/card-masking.js';

/**
 * A fresh customer filing number: 15 random digits, the most Mastercom takes. It travels with the
 * filing and comes back in the claim's case filing details, which is how a filing whose answer
 * was lost is recognised.
 */
export function newCustomerFilingNumber(): string {
  const payload = `${String(randomInt(0, 10_000_000)).padStart(7, '0')}${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  // Never Luhn-valid: a 15-digit number that passed would be taken for a card number and masked
  // wherever it is stored or logged, and the filing could no longer be found by it.
  const last = (Number(luhnCheckDigit(payload)) + 1 + randomInt(0, 9)) % 10;
  return `${payload}${String(last)}`;
}

/**
 * The filing as it may be kept: `primaryAccountNum` reduced to BIN + last 4 (whether or not it
 * passes Luhn) and every other card number masked. The full request went to Mastercom only.
 */
export function withoutFullCardNumber<T extends CreateCaseRequest>(request: T): T {
  const masked = maskCardNumbersDeep(request) as T;
  return request.primaryAccountNum === undefined
    ? masked
    : { ...masked, primaryAccountNum: maskDigits(request.primaryAccountNum) };
}

/** Validates a filing request and gives it a filing number unless the caller chose one. */
export function prepareFiling(
  body: unknown,
  filingNumber: () => string = newCustomerFilingNumber,
):
  | { ok: true; request: CreateCaseRequest & { customerFilingNumber: string } }
  | {
      ok: false;
      error: z.ZodError;
    } {
  const parsed = caseCreateRequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: parsed.error };
  const customerFilingNumber =
    parsed.data.customerFilingNumber === undefined || parsed.data.customerFilingNumber === ''
      ? filingNumber()
      : parsed.data.customerFilingNumber;
  return { ok: true, request: { ...parsed.data, customerFilingNumber } };
}

/** Cases in these states take no further action. */
export const FINAL_CASE_STATUSES: readonly CaseStatus[] = ['CLOSED', 'WITHDRAWN'];

/**
 * The status after an action. Accepting settles the case, withdrawing ends it; rejecting,
 * rebutting and escalating keep it open for the other side or for Mastercom's ruling.
 */
export function statusAfterAction(
  current: CaseStatus,
  action: CaseAction,
): { ok: true; status: CaseStatus } | { ok: false; reason: string } {
  if (FINAL_CASE_STATUSES.includes(current)) {
    return { ok: false, reason: `the case is ${current}; it takes no further action` };
  }
  switch (action) {
    case 'ACCEPT':
      return { ok: true, status: 'CLOSED' };
    case 'WITHDRAW':
      return { ok: true, status: 'WITHDRAWN' };
    case 'REJECT':
    case 'REBUT':
    case 'ESCALATE':
      return { ok: true, status: 'OPEN' };
  }
}
