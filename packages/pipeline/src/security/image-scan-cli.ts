// scripts/scan-image.sh: judges the Trivy report it wrote. Exits 1 on a fixable critical finding.
import { readFileSync } from 'node:fs';
import { positionalArguments } from '../cli-flags.js';
import { describeFinding, judgeImageScan, parseTrivyReport } from './image-scan.js';

const [path] = positionalArguments('image-scan', 'usage: image-scan-cli.js TRIVY_REPORT.json', 1);
// eslint-disable-next-line security/detect-non-literal-fs-filename -- the report the scan script wrote
const verdict = judgeImageScan(parseTrivyReport(readFileSync(path, 'utf8')));
for (const finding of verdict.failing)
  console.error(`image-scan: FAIL ${describeFinding(finding)}`);
for (const finding of verdict.others) console.log(`image-scan: note ${describeFinding(finding)}`);
if (verdict.failing.length > 0) {
  console.error(
    `image-scan: ${verdict.failing.length} critical vulnerabilities with a fix; rebuild on an updated base image`,
  );
  process.exitCode = 1;
} else {
  console.log('image-scan: no critical vulnerability with a fix');
}
