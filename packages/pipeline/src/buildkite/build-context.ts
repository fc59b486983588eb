// What Buildkite knows about a build when it decides which steps belong to it: the values its
// conditionals read (https://buildkite.com/docs/pipelines/configure/conditionals, "Variable and
// syntax reference") and the branch its step-level `branches` filters match.

/**
 * `build.source` as Buildkite reports it: "webhook" for a push, "schedule" for a scheduled
 * build, "api" for one created through the REST or GraphQL API, "ui" for the New Build button,
 * "trigger_job" for a trigger step of another pipeline.
 */
export type BuildSource = 'webhook' | 'schedule' | 'api' | 'ui' | 'trigger_job';

export interface BuildContext {
  readonly source: BuildSource;
  /** `build.branch`; for a tag build Buildkite sets it to the tag's name. */
  readonly branch: string;
  /** `build.tag`: the tag of a tag build, otherwise null. */
  readonly tag: string | null;
}

/** The five kinds of build this pipeline sees, named for the table test and the local runner. */
export const buildContexts = {
  'push to main': { source: 'webhook', branch: 'main', tag: null },
  'push to a branch': { source: 'webhook', branch: 'feature/refund-ceiling', tag: null },
  'scheduled build': { source: 'schedule', branch: 'main', tag: null },
  'API trigger on main': { source: 'api', branch: 'main', tag: null },
  'version tag': { source: 'webhook', branch: 'v1.4.0', tag: 'v1.4.0' },
} as const satisfies Record<string, BuildContext>;

export type BuildContextName = keyof typeof buildContexts;
