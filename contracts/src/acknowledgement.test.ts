import { describe, expect, it } from 'vitest';
import {
  acknowledgementAlertId,
  alertAcknowledgementSchema,
  alertFailure,
  alertSuccess,
} from './acknowledgement.js';
import { ethocaErrorItem } from './ethoca-error.js';

describe('acknowledgement', () => {
  it('echoes any usable string alertId, even a malformed one, and null otherwise', () => {
    expect(acknowledgementAlertId({ alertId: 'B7QK2M9XW4ZP1RT8LN3VD6HCY' })).toBe(
      'B7QK2M9XW4ZP1RT8LN3VD6HCY',
    );
    expect(acknowledgementAlertId({ alertId: 'short' })).toBe('short');
    expect(acknowledgementAlertId({ alertId: 42 })).toBeNull();
    expect(acknowledgementAlertId({ alertId: '' })).toBeNull();
    expect(acknowledgementAlertId({ alertId: 'x'.repeat(65) })).toBeNull();
    expect(acknowledgementAlertId('junk')).toBeNull();
    expect(acknowledgementAlertId(null)).toBeNull();
  });

  it('builds one entry per alert that the schema accepts', () => {
    const error = ethocaErrorItem({
      source: 'alerts-delivery',
      reasonCode: 'VALIDATION_FAILURE',
      description: 'alertId: Invalid input',
      details: 'alertId',
    });
    const ack = {
      alertResponses: [alertSuccess('B7QK2M9XW4ZP1RT8LN3VD6HCY'), alertFailure(null, [error])],
    };
    expect(alertAcknowledgementSchema.parse(ack)).toEqual(ack);
  });
});
