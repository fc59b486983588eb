import { createDatabase, migrateToLatest } from './database.js';
import { installQueueSchema } from './queue.js';

/**
 * Brings a database to this build's schema: our tables, then pg-boss's schema and queue. Safe to
 * run again: applied migrations are skipped and an existing queue is kept.
 */
export async function migrateDatabase(url: string): Promise<string[]> {
  const database = createDatabase({
    url,
    poolMax: 2,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 60_000,
  });
  try {
    const applied = await migrateToLatest(database.db);
    await installQueueSchema(url);
    return applied;
  } finally {
    await database.close();
  }
}
