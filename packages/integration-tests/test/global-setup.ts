import { migrateDatabase } from '@mastercom/service';
import { postgresGlobalSetup } from '@mastercom/testkit';

// One PostgreSQL server per run and one template with the service's schema and pg-boss queue;
// every file clones it, so a service started with migrations off finds its schema in place.
export default postgresGlobalSetup({
  migrate: (url) => migrateDatabase(url).then(() => undefined),
});
