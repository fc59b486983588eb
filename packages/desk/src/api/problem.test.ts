import { describe, expect, it } from 'vitest';
import { refusalOf, toApiProblem } from './problem.js';

describe('a problem answer', () => {
  it("keeps the service's title, detail and field errors, grouped by field", () => {
    const problem = toApiProblem(400, {
      type: 'urn:mastercom-service:problem:validation',
      title: 'Invalid outcome',
      status: 400,
      detail: 'the outcome was refused; nothing changed',
      errors: [
        { field: 'outcome', message: 'a' },
        { field: 'outcome', message: 'b' },
        { field: 'comments', message: 'c' },
      ],
    });
    expect(problem.status).toBe(400);
    expect(problem.title).toBe('Invalid outcome');
    expect(problem.detail).toBe('the outcome was refused; nothing changed');
    expect(problem.fieldErrors).toEqual({ outcome: ['a', 'b'], comments: ['c'] });
  });

  it('still says what happened when the body is not a problem', () => {
    for (const body of [undefined, 'text', 42, { errors: 'no' }, { errors: [{ field: 1 }] }]) {
      const problem = toApiProblem(502, body);
      expect(problem.title).toBe('HTTP 502');
      expect(problem.detail).toBe('the service gave no detail');
      expect(problem.fieldErrors).toEqual({});
    }
  });

  it("turns into a form's refusal: the service's fields and detail, or a plea to try again", () => {
    const problem = toApiProblem(400, {
      title: 'Invalid upload',
      status: 400,
      detail: 'the file is empty',
      errors: [{ field: 'file', message: 'is empty' }],
    });
    expect(refusalOf(problem, 'The document was not stored')).toEqual({
      fieldErrors: { file: ['is empty'] },
      text: 'The document was not stored: the file is empty',
    });
    expect(refusalOf(new TypeError('fetch failed'), 'The case was not filed')).toEqual({
      fieldErrors: {},
      text: 'The case was not filed; try again.',
    });
  });
});
