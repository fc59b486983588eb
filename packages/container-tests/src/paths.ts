import { fileURLToPath } from 'node:url';

// This file sits one folder below the package root, and the package two below the repository's.
export const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
