import { describe, expect, it } from 'vitest';
import { ALERT_STATUSES } from '../alerts/alert-status.js';
import { canTransition } from './alert-state-machine.js';

describe('alert state machine', () => {
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
    for (const [from, to] of path) expect(canTransition(from, to), `${from} -> ${to}`).toBe(true);
  });

  it('refuses every other move, including leaving a final status', () => {
    let allowed = 0;
    for (const from of ALERT_STATUSES)
      for (const to of ALERT_STATUSES) if (canTransition(from, to)) allowed += 1;
    expect(allowed).toBe(10);
    for (const to of ALERT_STATUSES) {
      expect(canTransition('OUTCOME_SENT', to)).toBe(false);
      expect(canTransition('OUTCOME_FAILED', to)).toBe(false);
    }
    expect(canTransition('RECEIVED', 'OUTCOME_SENT')).toBe(false);
    expect(canTransition('UNMATCHED', 'MATCHED')).toBe(false);
    // Money moves only through a reservation, and no one decides while the PSP may be refunding.
    expect(canTransition('MATCHED', 'ACTIONED')).toBe(false);
    expect(canTransition('REFUND_REQUESTED', 'OUTCOME_PENDING')).toBe(false);
  });
});
