// eslint-plugin-security ships no types; this is the one shape the shared config uses.
declare module 'eslint-plugin-security' {
  import type { Linter } from 'eslint';
  const plugin: { configs: { recommended: Linter.Config } };
  export default plugin;
}
