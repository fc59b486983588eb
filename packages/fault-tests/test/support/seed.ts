/**
 * The seed of a scenario's random choices: `FAULTS_SEED` when given, to replay a failed run,
 * otherwise a fresh one, so each run tries other data, answers and kill moments. Printed at once,
 * and scenarios repeat it in their report row and failure messages.
 */
export function scenarioSeed(scenario: string): number {
  const given = process.env.FAULTS_SEED;
  const seed =
    given === undefined || given === ''
      ? Math.floor(Math.random() * 2_147_483_647)
      : Number.parseInt(given, 10);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`FAULTS_SEED must be a non-negative integer, got ${String(given)}`);
  }
  process.stdout.write(
    `${scenario}: seed ${String(seed)} (replay with FAULTS_SEED=${String(seed)})\n`,
  );
  return seed;
}

/** A seed for one named draw, independent of the order the draws are made in. */
export function seedFor(seed: number, name: string): number {
  let value = seed % 2_147_483_647;
  for (const char of name) value = (value * 31 + char.charCodeAt(0)) % 2_147_483_647;
  return value;
}
