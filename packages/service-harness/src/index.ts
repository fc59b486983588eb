export * from './harness.js';
export * from './service-api.js';
export * from './service-process.js';
