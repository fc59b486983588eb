import { describe, expect, it } from 'vitest';
import { tracingProblem } from './tracing.js';

describe('tracingProblem', () => {
  it('refuses DD_TRACE_ENABLED when dd-trace was not loaded before the service', () => {
    expect(tracingProblem(true, undefined)).toMatch(
      /dd-trace was not loaded before the service; start node with --import dd-trace\/initialize\.mjs/,
    );
  });

  it('accepts tracing off, or on with a preloaded tracer', () => {
    expect(tracingProblem(false, undefined)).toBeUndefined();
    expect(tracingProblem(true, { init: () => undefined })).toBeUndefined();
  });
});
