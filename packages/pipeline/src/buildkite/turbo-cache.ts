// What Turbo replayed from its cache in a step, read from the run summaries Turbo writes itself
// (`TURBO_RUN_SUMMARY=true`, one JSON file per `turbo run` in .turbo/runs;
// https://turborepo.com/docs/reference/run#--summarize). A task whose definition says
// `cache: false` (the container stage, the audit, bench) can never be a hit, so it is counted apart.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface StepCache {
  /** Cacheable tasks that were replayed from the cache. */
  readonly hits: number;
  /** Cacheable tasks that ran: their ids. */
  readonly ran: readonly string[];
  /** Tasks turbo.json marks `cache: false`: their ids. */
  readonly uncacheable: readonly string[];
}

interface RunSummary {
  tasks?: {
    taskId?: string;
    cache?: { status?: string };
    resolvedTaskDefinition?: { cache?: boolean };
  }[];
}

/** Counts hits and runs over the summaries of one step's `turbo run`s. */
export function stepCache(summaries: readonly string[]): StepCache {
  let hits = 0;
  const ran: string[] = [];
  const uncacheable: string[] = [];
  for (const text of summaries) {
    const summary = JSON.parse(text) as RunSummary;
    if (!Array.isArray(summary.tasks)) throw new Error('not a Turbo run summary: it has no tasks');
    for (const task of summary.tasks) {
      const id = task.taskId ?? '(unnamed task)';
      if (task.resolvedTaskDefinition?.cache === false) uncacheable.push(id);
      else if (task.cache?.status === 'HIT') hits += 1;
      else ran.push(id);
    }
  }
  return { hits, ran, uncacheable };
}

/** One line for the report: `14 of 14 cached tasks replayed` and what ran or cannot be cached. */
export function describeStepCache(cache: StepCache): string {
  const cacheable = cache.hits + cache.ran.length;
  const parts = [`${String(cache.hits)} of ${String(cacheable)} cacheable tasks replayed`];
  if (cache.ran.length > 0) parts.push(`ran ${cache.ran.join(', ')}`);
  if (cache.uncacheable.length > 0) parts.push(`never cached: ${cache.uncacheable.join(', ')}`);
  return parts.join('; ');
}

/** Watches a folder of run summaries: which files a step added. */
export function summaryWatcher(directory: string): {
  mark(): ReadonlySet<string>;
  since(marked: ReadonlySet<string>): string[];
} {
  const list = () => {
    try {
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- the checkout's .turbo/runs
      return readdirSync(directory).filter((name) => name.endsWith('.json'));
    } catch {
      return [];
    }
  };
  return {
    mark: () => new Set(list()),
    since: (marked) =>
      list()
        .filter((name) => !marked.has(name))
        // eslint-disable-next-line security/detect-non-literal-fs-filename -- a file Turbo wrote there
        .map((name) => readFileSync(path.join(directory, name), 'utf8')),
  };
}
