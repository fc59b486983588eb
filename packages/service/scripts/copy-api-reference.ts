/* eslint-disable security/detect-non-literal-fs-filename -- folders of this package and of redoc */
// Part of `build`: puts the API reference page and Redoc's prebuilt standalone bundle into
// dist/api-reference, so the release image serves them without redoc's dependency tree.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const target = fileURLToPath(new URL('../dist/api-reference/page/', import.meta.url));
const page = fileURLToPath(new URL('../src/api-reference/page/', import.meta.url));
mkdirSync(target, { recursive: true });
for (const file of readdirSync(page)) copyFileSync(`${page}${file}`, `${target}${file}`);
copyFileSync(
  fileURLToPath(import.meta.resolve('redoc/bundles/redoc.standalone.js')),
  `${target}redoc.standalone.js`,
);
