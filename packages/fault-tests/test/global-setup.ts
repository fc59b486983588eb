import { migrateDatabase } from '@mastercom/service';
import { postgresGlobalSetup, type GlobalSetupProject } from '@mastercom/testkit';
import { clearReport, printReport } from './support/report.js';

const postgres = postgresGlobalSetup({
  migrate: (url) => migrateDatabase(url).then(() => undefined),
});

// One PostgreSQL server and one migrated template for the run, as in the integration suite; the
// teardown prints and writes the campaign's table once every scenario file has recorded its rows.
export default async function setup(project: GlobalSetupProject): Promise<() => Promise<void>> {
  await clearReport();
  const stopPostgres = await postgres(project);
  return async () => {
    await stopPostgres();
    await printReport();
  };
}
