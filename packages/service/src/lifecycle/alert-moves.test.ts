import { describe, expect, it } from 'vitest';
import { ALERT_STATUSES } from '../alerts/alert-status.js';
import { alertMove, canMove, IllegalTransitionError, type AlertMove } from './alert-moves.js';

describe('alert moves', () => {
  it('allows the worker path and the manual path', () => {
    const path = [
      ['RECEIVED', 'MATCHED'],
      ['MATCHED', 'REFUND_REQUESTED'],
      ['REFUND_REQUESTED', 'ACTIONED'],
      ['REFUND_REQUESTED', 'MATCHED'],
      ['ACTIONED', 'OUTCOME_PENDING'],
      ['OUTCOME_PENDING', 'OUTCOME_SENT'],
      ['RECEIVED', 'UNMATCHED'],
      ['UNMATCHED', 'OUTCOME_PENDING'],
      ['MATCHED', 'OUTCOME_PENDING'],
      ['OUTCOME_PENDING', 'OUTCOME_FAILED'],
    ] as const;
    for (const [from, to] of path) expect(canMove(from, to), `${from} -> ${to}`).toBe(true);
  });

  it('refuses every other move, including leaving a final status', () => {
    let allowed = 0;
    for (const from of ALERT_STATUSES)
      for (const to of ALERT_STATUSES) if (canMove(from, to)) allowed += 1;
    expect(allowed).toBe(10);
    for (const to of ALERT_STATUSES) {
      expect(canMove('OUTCOME_SENT', to)).toBe(false);
      expect(canMove('OUTCOME_FAILED', to)).toBe(false);
    }
    expect(canMove('RECEIVED', 'OUTCOME_SENT')).toBe(false);
    expect(canMove('UNMATCHED', 'MATCHED')).toBe(false);
    // Money moves only through a reservation, and no one decides while the PSP may be refunding.
    expect(canMove('MATCHED', 'ACTIONED')).toBe(false);
    expect(canMove('REFUND_REQUESTED', 'OUTCOME_PENDING')).toBe(false);
  });

  it('declares an allowed move, and refuses a forbidden one when it is declared', () => {
    expect(alertMove('RECEIVED', 'MATCHED')).toEqual({ from: 'RECEIVED', to: 'MATCHED' });
    // @ts-expect-error the table has no MATCHED -> ACTIONED, so the types refuse it
    expect(() => alertMove('MATCHED', 'ACTIONED')).toThrow(IllegalTransitionError);
    // @ts-expect-error a final status has no way out
    expect(() => alertMove('OUTCOME_SENT', 'MATCHED')).toThrow(/OUTCOME_SENT -> MATCHED/);
    // @ts-expect-error an AlertMove value with a forbidden pair does not type-check either
    const forbidden: AlertMove = { from: 'UNMATCHED', to: 'MATCHED' };
    expect(canMove(forbidden.from, forbidden.to)).toBe(false);
  });
});
