// Which Compose implementation runs docker-compose.yml here. Docker Compose v2 (`docker compose`,
// or a v2 `docker-compose`) where the machine has it; otherwise Debian's docker-compose 1.29, which
// speaks the Docker API that podman serves and honours what the file relies on: profiles, start
// order by health-check condition and exec-form health checks. Debian's podman-compose 1.0.3 does
// none of the three (it would start the Datadog agent, start the service before its dependencies
// are healthy and break the node health probes' quoting).
import { isMap, isScalar, parseDocument } from 'yaml';
import { tryCommand } from '../process/run-command.js';

export interface ComposeCommand {
  /** The executable and the arguments before any Compose arguments. */
  readonly command: readonly string[];
  readonly version: string;
  /**
   * Compose 1.x predates the Compose Specification's top-level `name`, which its schema rejects;
   * it gets the file without it. The stage names its project with `-p` anyway, which takes
   * precedence over `name` in every implementation.
   */
  readonly legacy: boolean;
}

/** Docker Compose v2 if the machine has it, else a `docker-compose` of any version, else none. */
export async function findCompose(env: NodeJS.ProcessEnv): Promise<ComposeCommand | undefined> {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const [executable = '', ...args] = command;
    const answer = await tryCommand(executable, [...args, 'version', '--short'], { env });
    const version = answer.stdout.trim().replace(/^v/, '');
    if (answer.status === 0 && /^\d+\./.test(version)) {
      return { command, version, legacy: version.startsWith('1.') };
    }
  }
  return undefined;
}

/** The Compose file as Compose 1.x accepts it: the same, less the top-level `name`. */
export function composeFileForLegacy(text: string): string {
  const document = parseDocument(text);
  const root = document.contents;
  if (!isMap(root)) return text;
  const index = root.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === 'name');
  const pair = root.items[index];
  if (pair === undefined) return text;
  // A comment above `name` is the file's header when `name` comes first; it stays with the file.
  const removed = isScalar(pair.key) ? pair.key : undefined;
  root.items.splice(index, 1);
  const next = root.items[index]?.key;
  if (removed?.commentBefore && isScalar(next)) {
    next.commentBefore = next.commentBefore
      ? `${removed.commentBefore}\n${next.commentBefore}`
      : removed.commentBefore;
    // The blank line that set `name` apart from the next key would now split the comment from it.
    next.spaceBefore = removed.spaceBefore;
  }
  return document.toString();
}
