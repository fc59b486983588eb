/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository or a temporary folder this code made, never user input */
// `pnpm turbo run security`: secrets, licences and the SBOM. Every check runs and reports even when
// an earlier one failed, so one run shows everything to fix.
import { writeFileSync, mkdirSync } from 'node:fs';
import { repoPath } from '../repository.js';
import { countPackages, findLicenseViolations, listProductionLicenses } from './licenses.js';
import { writeServiceSbom } from './sbom.js';
import { scanRepository } from './secrets.js';

const reports = repoPath('reports', 'security');
mkdirSync(reports, { recursive: true });
let failed = false;

const secrets = scanRepository();
if (secrets.ok) {
  console.log(`secrets: 0 findings in ${secrets.files} files (secretlint, recommended preset)`);
} else {
  failed = true;
  console.error(`secrets: secretlint found credentials:\n${secrets.report}`);
}

const licenses = listProductionLicenses('@mastercom/service');
writeFileSync(repoPath('reports', 'security', 'licenses.json'), JSON.stringify(licenses, null, 2));
const violations = findLicenseViolations(licenses);
if (violations.length === 0) {
  console.log(
    `licences: ${countPackages(licenses)} production dependencies of @mastercom/service, all allowed`,
  );
} else {
  failed = true;
  console.error('licences: not allowed in the production dependencies of @mastercom/service:');
  for (const violation of violations) {
    console.error(
      `  ${violation.name}@${violation.versions.join(',')}: ${violation.license} (${violation.reason})`,
    );
  }
}

const sbom = writeServiceSbom(repoPath('reports', 'security', 'sbom.cdx.json'));
console.log(
  `sbom: CycloneDX ${sbom.specVersion}, ${sbom.components} components -> reports/security/sbom.cdx.json`,
);

process.exitCode = failed ? 1 : 0;
