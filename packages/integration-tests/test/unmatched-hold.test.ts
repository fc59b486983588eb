import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '@mastercom/service-harness';
import type { ServiceProcess } from '@mastercom/service-harness';
import { steeredAlerts } from './support/steering.js';

const h = useHarness();
let service: ServiceProcess;

// The shortest hold the configuration allows: the file waits it out once, in parallel with the
// other files.
const HOLD_MS = 60_000;

beforeAll(async () => {
  service = await h.startService('all', { UNMATCHED_HOLD_MINUTES: String(HOLD_MS / 60_000) });
});

describe('an unmatched alert nobody decides during the hold', () => {
  it(
    'is decided by the rules (NOT_FOUND) once the hold is over',
    { timeout: HOLD_MS + 45_000 },
    async () => {
      const steered = steeredAlerts(19_000, 3, ['not-found']);
      const ids = steered.map((item) => item.alert.alertId);
      const delivered = Date.now();
      await h.client(() => service.url).deliver(steered.map((item) => item.alert));
      await h.waitForStatus(ids, 'UNMATCHED', {
        timeoutMs: 10_000,
        context: () => service.outputTail(),
      });
      await h.waitForStatus(ids, 'OUTCOME_SENT', {
        timeoutMs: HOLD_MS + 20_000,
        context: () => service.outputTail(),
      });
      // Not before the hold ran out: an agent had the whole hold to decide.
      expect(Date.now() - delivered).toBeGreaterThanOrEqual(HOLD_MS);
      expect(
        ids.map((id) => {
          const recorded = h.ethoca.state.outcomes.get(id);
          return [recorded?.attempts, recorded?.outcome?.outcome, recorded?.outcome?.refundStatus];
        }),
      ).toEqual(ids.map(() => [1, 'NOT_FOUND', 'NOT_REFUNDED']));
      const decided = await h.query<{ decided_by: string }>(
        'SELECT decided_by FROM alert_outcomes WHERE alert_id = ANY($1)',
        [ids],
      );
      expect(decided).toEqual(ids.map(() => ({ decided_by: 'rule' })));
    },
  );
});
