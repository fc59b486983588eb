import { migrateSample } from './sample-migration.fixture.js';
import { postgresGlobalSetup } from './vitest-global-setup.js';

// The package's own global setup, wired exactly as a consuming package wires it.
export default postgresGlobalSetup({ migrate: migrateSample });
