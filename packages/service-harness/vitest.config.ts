export { default } from '@mastercom/tooling/vitest';
