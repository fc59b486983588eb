// `pnpm build`: bundles the k6 scenarios into dist/k6/mastercom.js and reports the bundle's size
// and every module it leaves for k6 to resolve.
import { build } from 'esbuild';
import { K6_OUTFILE, k6BuildOptions } from './k6-build-options.js';
import { externalImports } from './bundle-imports.js';

const result = await build({ ...k6BuildOptions(), metafile: true });
const imports = externalImports(result.metafile);
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(
  `k6 bundle: ${K6_OUTFILE} (${(bytes / 1024).toFixed(1)} KiB), k6 modules: ${imports.join(', ')}`,
);
