export { default } from '@mastercom/tooling/eslint';
