import { fileURLToPath } from 'node:url';

// This file sits one folder below the package root both as source (src/) and compiled (dist/).
export const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
