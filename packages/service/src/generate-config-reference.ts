// `pnpm --filter @mastercom/service generate:config-docs`: rewrites CONFIGURATION.md from the
// environment schema. config-reference.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigurationReference } from './config-reference.js';

const target = fileURLToPath(new URL('../CONFIGURATION.md', import.meta.url));
// The path is this package's own file, fixed above.
// eslint-disable-next-line security/detect-non-literal-fs-filename
writeFileSync(target, renderConfigurationReference());
console.log(`generate:config-docs: wrote ${target}`);
