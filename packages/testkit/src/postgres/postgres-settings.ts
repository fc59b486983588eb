/**
 * Server settings that trade crash safety for speed. A test server is thrown away at the end of
 * the run, so losing it on a power cut costs nothing, while every fsync on a CI disk costs time.
 */
export const fastTestSettings: readonly string[] = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
];

/** The fast settings and the caller's own as `-c name=value` arguments for the postgres executable. */
export function postgresSettingFlags(extraSettings: readonly string[]): string[] {
  return [...fastTestSettings, ...extraSettings].flatMap((setting) => ['-c', setting]);
}
