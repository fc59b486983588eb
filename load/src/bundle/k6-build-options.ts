import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

export const K6_ENTRY = fileURLToPath(new URL('../k6/mastercom.ts', import.meta.url));
export const K6_OUTFILE = fileURLToPath(new URL('../../dist/k6/mastercom.js', import.meta.url));

/** k6's built-in modules: resolved by k6 at run time, never bundled. */
export const K6_EXTERNALS = ['k6', 'k6/*'];

const SKIP = Symbol('resolved by contractsWithoutSideEffects');
const CONTRACTS_DIST = /[\\/]contracts[\\/]dist[\\/]/;

/**
 * The contracts package does not declare `sideEffects: false` (its zod schemas register OpenAPI
 * metadata when loaded, which matters to the OpenAPI generator). The k6 script imports only the
 * fixtures and the SLOs, so inside this bundle its modules are treated as free of side effects:
 * esbuild then drops the schemas and zod that the fixtures index re-exports but k6 never calls,
 * which cuts the bundle every VU parses from about 275 KiB to about 65 KiB.
 */
export const contractsWithoutSideEffects: Plugin = {
  name: 'contracts-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === SKIP) return undefined;
      const result = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: SKIP,
      });
      if (result.errors.length > 0) return { errors: result.errors };
      return {
        path: result.path,
        external: result.external,
        namespace: result.namespace,
        suffix: result.suffix,
        sideEffects: CONTRACTS_DIST.test(result.path) ? false : result.sideEffects,
      };
    });
  },
};

/**
 * How the k6 script is bundled. k6 runs ES modules in its own JavaScript runtime, with no Node
 * built-ins and no node_modules: everything except k6's own modules (fixtures, SLOs) is inlined,
 * and the neutral platform makes esbuild refuse to resolve a Node built-in instead of quietly
 * leaving the import for k6 to fail on.
 */
export function k6BuildOptions(overrides: Partial<BuildOptions> = {}): BuildOptions {
  return {
    entryPoints: [K6_ENTRY],
    outfile: K6_OUTFILE,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    // k6's runtime implements ES2020 syntax fully; newer syntax is lowered.
    target: 'es2020',
    mainFields: ['module', 'main'],
    external: K6_EXTERNALS,
    sourcemap: false,
    minify: false,
    metafile: true,
    plugins: [contractsWithoutSideEffects],
    logLevel: 'warning',
    ...overrides,
  };
}
