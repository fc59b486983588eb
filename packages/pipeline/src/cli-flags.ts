import { parseArgs } from 'node:util';

/**
 * The boolean flags of a command-line tool, parsed strictly: an unknown flag or a stray argument
 * prints what was wrong and the usage, and exits with status 2, instead of being ignored.
 */
export function booleanFlags<Name extends string>(
  command: string,
  usage: string,
  names: readonly Name[],
  args: readonly string[] = process.argv.slice(2),
): Record<Name, boolean> {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: Object.fromEntries(names.map((name) => [name, { type: 'boolean' as const }])),
    });
    return Object.fromEntries(names.map((name) => [name, values[name] === true])) as Record<
      Name,
      boolean
    >;
  } catch (error) {
    console.error(`${command}: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

/**
 * Exactly `count` positional arguments and no flags; anything else prints the usage and exits with
 * status 2.
 */
export function positionalArguments<Count extends 1 | 2>(
  command: string,
  usage: string,
  count: Count,
  args: readonly string[] = process.argv.slice(2),
): Count extends 1 ? [string] : [string, string] {
  try {
    const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
    if (positionals.length !== count) {
      throw new Error(`expected ${String(count)} argument(s), got ${String(positionals.length)}`);
    }
    // Exactly `count` of them, checked above.
    return positionals as Count extends 1 ? [string] : [string, string];
  } catch (error) {
    console.error(`${command}: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
