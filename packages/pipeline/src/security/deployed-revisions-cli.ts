// scripts/scan-deployed.sh: prints `REVISION IMAGE` for each revision of a Deployment, newest
// first, from `kubectl get replicasets -o json`.
import { readFileSync } from 'node:fs';
import { deployedRevisions } from './deployed-revisions.js';

const [file, deployment] = process.argv.slice(2);
if (file === undefined || deployment === undefined) {
  console.error('usage: deployed-revisions-cli.js REPLICASETS.json DEPLOYMENT');
  process.exit(2);
}
// eslint-disable-next-line security/detect-non-literal-fs-filename -- the list the scan script wrote
const revisions = deployedRevisions(readFileSync(file, 'utf8'), deployment);
if (revisions.length === 0) {
  console.error(`deployed-revisions: no ReplicaSet of deployment ${deployment} carries a revision`);
  process.exit(1);
}
for (const { revision, image } of revisions) console.log(`${String(revision)} ${image}`);
