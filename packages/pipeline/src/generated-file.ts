/* eslint-disable security/detect-non-literal-fs-filename -- the targets are fixed files in this repository */
// One behaviour for every generated file this package commits (the Buildkite pipeline, the
// Datadog monitors): write it, or with --check fail when the committed copy differs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeOrCheckGenerated(options: {
  /** Absolute path of the committed file. */
  target: string;
  /** Its path as people know it, for messages. */
  label: string;
  generated: string;
  /** Where the content comes from, for the "matches" message. */
  source: string;
  regenerateCommand: string;
  check: boolean;
}): void {
  if (options.check) {
    let committed = '';
    try {
      committed = readFileSync(options.target, 'utf8');
    } catch {
      // A missing file is reported like a stale one below.
    }
    if (committed !== options.generated) {
      console.error(`${options.label} is out of date: run ${options.regenerateCommand}`);
      process.exit(1);
    }
    console.log(`${options.label} matches ${options.source}`);
    return;
  }
  mkdirSync(dirname(options.target), { recursive: true });
  writeFileSync(options.target, options.generated);
  console.log(`wrote ${options.target}`);
}
