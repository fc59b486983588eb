// Writes openapi/openapi.json from the zod schemas. Run after changing any schema of the
// service's API: `pnpm --filter @mastercom/contracts generate:openapi`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createOpenApiDocument, serializeOpenApiDocument } from '../src/openapi.js';

const target = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url));
// The path is fixed relative to this script, not taken from input.
// eslint-disable-next-line security/detect-non-literal-fs-filename
writeFileSync(target, serializeOpenApiDocument(createOpenApiDocument()));
console.log(`wrote ${target}`);
