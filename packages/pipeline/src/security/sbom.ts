/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository or a temporary folder this code made, never user input */
// CycloneDX SBOM of what ships: the service and its production dependency tree, written with
// pnpm's own `pnpm sbom` (it reads the lockfile and the store, so it works offline).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../repository.js';

export interface SbomSummary {
  readonly file: string;
  readonly specVersion: string;
  readonly components: number;
}

interface CycloneDxDocument {
  bomFormat?: unknown;
  specVersion?: unknown;
  metadata?: { component?: { name?: unknown } };
  components?: { purl?: unknown }[];
}

export function writeServiceSbom(
  file: string,
  workspacePackage = '@mastercom/service',
): SbomSummary {
  mkdirSync(path.dirname(file), { recursive: true });
  execFileSync(
    'pnpm',
    [
      '--filter',
      workspacePackage,
      'sbom',
      '--sbom-format',
      'cyclonedx',
      '--sbom-type',
      'application',
      '--prod',
      '--out',
      file,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return readSbom(file);
}

/** Reads an SBOM back and refuses one that is not a CycloneDX document listing components. */
export function readSbom(file: string): SbomSummary {
  const document = JSON.parse(readFileSync(file, 'utf8')) as CycloneDxDocument;
  if (document.bomFormat !== 'CycloneDX' || typeof document.specVersion !== 'string') {
    throw new Error(`${file} is not a CycloneDX document`);
  }
  const components = document.components ?? [];
  if (
    components.length === 0 ||
    components.some((component) => typeof component.purl !== 'string')
  ) {
    throw new Error(`${file} lists no components, or components without a package URL`);
  }
  return { file, specVersion: document.specVersion, components: components.length };
}
