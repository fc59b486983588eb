import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPspRefund, createPspRefundRequest } from './fixtures/index.js';
import { isOutcomeAlreadyRecorded, OUTCOME_ALREADY_RECORDED } from './outcome.js';
import { problemDetailsSchema, validationProblem } from './problem-details.js';
import {
  ethocaRefundStatusFor,
  PSP_PROBLEM_TYPES,
  PSP_REFUND_STATUSES,
  pspRefundPath,
  pspRefundRequestSchema,
  pspRefundSchema,
} from './psp-refund.js';

const seed = fc.integer({ min: 0, max: 0x7fffffff });

describe('PSP refund request', () => {
  it('accepts the fixture request for any seed', () => {
    fc.assert(
      fc.property(seed, (s) => {
        expect(pspRefundRequestSchema.safeParse(createPspRefundRequest(s)).success).toBe(true);
      }),
    );
  });

  it('keeps the currency exponent: JPY whole, BHD three decimals', () => {
    const jpy = createPspRefundRequest(1, { amount: { value: 2500, currencyCode: 'JPY' } });
    const bhd = createPspRefundRequest(1, { amount: { value: 1.125, currencyCode: 'BHD' } });
    expect(pspRefundRequestSchema.parse(jpy).amount.value).toBe(2500);
    expect(pspRefundRequestSchema.parse(bhd).amount.value).toBe(1.125);
  });

  it('turns a rejection into problem details that name the field', () => {
    const result = pspRefundRequestSchema.safeParse(
      createPspRefundRequest(3, { amount: { value: 0, currencyCode: 'EUR' } }),
    );
    if (result.success) throw new Error('a zero refund was accepted');
    const problem = {
      ...validationProblem(result.error, '/v1/refunds'),
      type: PSP_PROBLEM_TYPES.validation,
    };
    expect(problemDetailsSchema.parse(problem).errors).toEqual([
      { field: 'amount.value', message: 'must be greater than 0' },
    ]);
  });
});

describe('PSP refund response', () => {
  it.each(PSP_REFUND_STATUSES)('accepts a %s refund', (status) => {
    const refund = createPspRefund(5, {
      status,
      ...(status === 'FAILED' ? { failureReason: 'card account closed' } : {}),
    });
    expect(pspRefundSchema.parse(refund)).toEqual(refund);
  });

  it('matches the request it answers', () => {
    const request = createPspRefundRequest(9);
    const refund = createPspRefund(9);
    expect(refund.transactionId).toBe(request.transactionId);
    expect(refund.amount).toEqual(request.amount);
  });
});

describe('ethocaRefundStatusFor', () => {
  it('maps every final PSP status to the refund status Ethoca is told, and PENDING to nothing', () => {
    expect(PSP_REFUND_STATUSES.map(ethocaRefundStatusFor)).toEqual([
      'REFUNDED',
      undefined,
      'NOT_REFUNDED',
      'NOT_SETTLED',
    ]);
  });
});

describe('pspRefundPath', () => {
  it('keeps a refund id inside one path segment', () => {
    expect(pspRefundPath('re_123')).toBe('/v1/refunds/re_123');
    expect(pspRefundPath('../admin')).toBe('/v1/refunds/..%2Fadmin');
  });
});

describe('isOutcomeAlreadyRecorded', () => {
  it('recognises only a FAILURE carrying the already-recorded reason code', () => {
    const error = {
      Source: 'alerts-outcomes',
      ReasonCode: OUTCOME_ALREADY_RECORDED,
      Description: 'outcome already recorded',
      Recoverable: false,
    };
    const alertId = 'B7QK2M9XW4ZP1RT8LN3VD6HCY';
    expect(isOutcomeAlreadyRecorded({ alertId, status: 'FAILURE', errors: [error] })).toBe(true);
    expect(isOutcomeAlreadyRecorded({ alertId, status: 'SUCCESS' })).toBe(false);
    expect(
      isOutcomeAlreadyRecorded({
        alertId,
        status: 'FAILURE',
        errors: [{ ...error, ReasonCode: 'VALIDATION_FAILURE' }],
      }),
    ).toBe(false);
  });
});
