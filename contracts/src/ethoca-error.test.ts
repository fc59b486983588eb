import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  ETHOCA_ERROR_LIMITS,
  ethocaErrorEnvelope,
  ethocaErrorEnvelopeSchema,
  ethocaErrorItem,
  validationErrorItems,
} from './ethoca-error.js';
import { ethocaAlertSchema } from './ethoca-alert.js';
import { exampleAlert } from './fixtures/index.js';

describe('Ethoca error builders', () => {
  it('builds the reference §2.8 envelope', () => {
    const envelope = ethocaErrorEnvelope([
      ethocaErrorItem({
        source: 'alerts-delivery',
        reasonCode: 'VALIDATION_FAILURE',
        description: 'Invalid date format: 2026-101-209',
        recoverable: true,
        details: 'Invalid date format: 2026-101-209',
      }),
    ]);
    expect(envelope).toEqual({
      Errors: {
        Error: [
          {
            Source: 'alerts-delivery',
            ReasonCode: 'VALIDATION_FAILURE',
            Description: 'Invalid date format: 2026-101-209',
            Recoverable: true,
            Details: 'Invalid date format: 2026-101-209',
          },
        ],
      },
    });
    expect(ethocaErrorEnvelopeSchema.safeParse(envelope).success).toBe(true);
  });

  it('shortens text to Ethoca limits instead of producing an invalid envelope', () => {
    const item = ethocaErrorItem({
      source: 's'.repeat(200),
      reasonCode: 'X',
      description: 'd'.repeat(5000),
    });
    expect(item.Source).toHaveLength(ETHOCA_ERROR_LIMITS.source);
    expect(item.Description).toHaveLength(ETHOCA_ERROR_LIMITS.description);
    expect(item.Recoverable).toBe(false);
    expect(ethocaErrorEnvelopeSchema.safeParse(ethocaErrorEnvelope([item])).success).toBe(true);
  });

  it('refuses an empty envelope', () => {
    expect(() => ethocaErrorEnvelope([])).toThrow(/at least one error/);
  });
});

describe('validationErrorItems', () => {
  it('starts each description with the field path and puts the path in Details', () => {
    const result = ethocaAlertSchema.safeParse({
      ...exampleAlert,
      amount: { value: 1, currencyCode: 'usd' },
      mcc: '12',
    });
    if (result.success) throw new Error('expected a rejection');
    const items = validationErrorItems(result.error, 'alerts-delivery');
    expect(items.map((i) => i.Details).sort()).toEqual(['amount.currencyCode', 'mcc']);
    for (const item of items) {
      expect(item.Description.startsWith(`${item.Details ?? ''}: `)).toBe(true);
      expect(item).toMatchObject({
        Source: 'alerts-delivery',
        ReasonCode: 'VALIDATION_FAILURE',
        Recoverable: false,
      });
    }
  });

  it('names array positions and the body itself', () => {
    const nested = z.object({ outcomes: z.array(z.object({ alertId: z.string() })) }).safeParse({
      outcomes: [{ alertId: 'x' }, {}],
    });
    const root = z.object({}).safeParse(null);
    if (nested.success || root.success) throw new Error('expected rejections');
    expect(validationErrorItems(nested.error, 'x')[0]?.Details).toBe('outcomes[1].alertId');
    expect(validationErrorItems(root.error, 'x')[0]?.Details).toBe('body');
  });
});
