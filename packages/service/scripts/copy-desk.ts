/* eslint-disable security/detect-non-literal-fs-filename -- folders of this package and of the desk */
// Part of `build`: puts the desk's built files into dist/desk/page, which the desk route serves, so
// the release image carries the console without the desk package or its build tools.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const built = join(
  dirname(createRequire(import.meta.url).resolve('@mastercom/desk/package.json')),
  'dist',
);
if (!existsSync(join(built, 'index.html'))) {
  throw new Error(`copy-desk: ${built} has no index.html; build @mastercom/desk first`);
}
const target = fileURLToPath(new URL('../dist/desk/page/', import.meta.url));
rmSync(target, { recursive: true, force: true });
cpSync(built, target, { recursive: true });
