export * from './postgres/admin-client.js';
export * from './postgres/databases.js';
export * from './postgres/start-test-postgres.js';
export * from './postgres/test-postgres-server.js';
export * from './postgres/testcontainers-provider.js';
export * from './postgres/use-test-database.js';
export * from './postgres/vitest-global-setup.js';
