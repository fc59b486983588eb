import { migrateDatabase } from '@mastercom/service';
import { postgresGlobalSetup } from '@mastercom/testkit';
import { ensureChromium } from './support/chromium.js';

// Chromium first (a fresh agent installs it), then one PostgreSQL server per run with a template
// holding the service's schema, which every file clones.
const setupPostgres = postgresGlobalSetup({
  migrate: (url) => migrateDatabase(url).then(() => undefined),
});

export default function setup(...args: Parameters<typeof setupPostgres>) {
  ensureChromium();
  return setupPostgres(...args);
}
