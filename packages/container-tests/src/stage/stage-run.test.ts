import { describe, expect, it } from 'vitest';
import { stageRunNames } from './stage-run.js';

describe('stageRunNames', () => {
  it("puts the run's id in every name and label, so the runner finds them all", () => {
    const names = stageRunNames('ab12');
    expect(names).toEqual({
      runId: 'ab12',
      containerLabel: 'org.mastercom.container-stage=ab12',
      network: 'mastercom-stage-ab12',
      composeProject: 'mastercom-stage-ab12',
    });
  });

  it('refuses an id that could widen a name filter or break a tag', () => {
    for (const id of ['', 'AB', 'a b', 'a.*', 'a/b']) {
      expect(() => stageRunNames(id)).toThrow(/stage run id/);
    }
  });
});
