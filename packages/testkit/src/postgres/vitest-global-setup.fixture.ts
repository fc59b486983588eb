// The package's own global setup, wired exactly as a consuming package wires it: through the
// package entry point, which also carries the test-file helpers that import Vitest.
import { postgresGlobalSetup } from '../index.js';
import { migrateSample } from './sample-migration.fixture.js';

export default postgresGlobalSetup({ migrate: migrateSample });
