import type { Scenario } from 'k6/options';

/**
 * k6's executors and the options each one cannot run without, from the k6 documentation
 * (Using k6 → Scenarios → Executors, one page per executor). Options with a documented default
 * (`timeUnit` 1s, `startRate` 0, `vus` 1, `iterations` 1 for the iteration executors, `maxVUs`
 * equal to `preAllocatedVUs`) are listed when our scenarios depend on them being set explicitly.
 */
type K6Executor = Scenario['executor'] | 'externally-controlled';

export const K6_EXECUTORS = {
  'shared-iterations': ['vus', 'iterations'],
  'per-vu-iterations': ['vus', 'iterations'],
  'constant-vus': ['vus', 'duration'],
  'ramping-vus': ['stages'],
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs'],
  'ramping-arrival-rate': ['stages', 'preAllocatedVUs', 'startRate', 'timeUnit'],
  'externally-controlled': ['vus', 'maxVUs', 'duration'],
} as const satisfies Record<K6Executor, readonly string[]>;

/** The required options a scenario leaves out; an unknown executor lacks everything. */
export function missingRequiredFields(scenario: Scenario): string[] {
  const required = (K6_EXECUTORS as Record<string, readonly string[] | undefined>)[
    scenario.executor
  ];
  if (required === undefined) return [`known executor (got ${scenario.executor})`];
  const fields = scenario as unknown as Record<string, unknown>;
  return required.filter((field) => fields[field] === undefined);
}
