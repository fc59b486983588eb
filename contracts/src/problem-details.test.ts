import { describe, expect, it } from 'vitest';
import { PROBLEM_TYPES, problemTypeForStatus } from './problem-details.js';

describe('problemTypeForStatus', () => {
  it('gives each status one of the stable problem types, about:blank where the status says it all', () => {
    expect(problemTypeForStatus(400)).toBe(PROBLEM_TYPES.validation);
    expect(problemTypeForStatus(401)).toBe(PROBLEM_TYPES.unauthorized);
    expect(problemTypeForStatus(403)).toBe(PROBLEM_TYPES.forbidden);
    expect(problemTypeForStatus(404)).toBe(PROBLEM_TYPES.notFound);
    expect(problemTypeForStatus(409)).toBe(PROBLEM_TYPES.conflict);
    expect(problemTypeForStatus(503)).toBe(PROBLEM_TYPES.unavailable);
    expect(problemTypeForStatus(413)).toBe('about:blank');
    expect(problemTypeForStatus(500)).toBe('about:blank');
  });
});
