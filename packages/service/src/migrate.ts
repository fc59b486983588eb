// `pnpm --filter @mastercom/service migrate`: applies migrations to DATABASE_URL and exits. Used
// where the service itself starts with DATABASE_MIGRATE_ON_START=false (a deploy job first).
import { migrateDatabase } from './platform/database/migrate-database.js';

const url = process.env.DATABASE_URL;
if (url === undefined || url === '') {
  console.error('migrate: set DATABASE_URL to the database to migrate');
  process.exit(2);
}
const applied = await migrateDatabase(url);
console.log(
  applied.length === 0 ? 'migrate: already up to date' : `migrate: applied ${applied.join(', ')}`,
);
