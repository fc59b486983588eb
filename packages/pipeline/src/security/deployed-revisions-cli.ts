// scripts/scan-deployed.sh: prints `REVISION IMAGE` for each revision of a Deployment, newest
// first, from `kubectl get replicasets -o json`.
import { readFileSync } from 'node:fs';
import { positionalArguments } from '../cli-flags.js';
import { deployedRevisions } from './deployed-revisions.js';

const [file, deployment] = positionalArguments(
  'deployed-revisions',
  'usage: deployed-revisions-cli.js REPLICASETS.json DEPLOYMENT',
  2,
);
// eslint-disable-next-line security/detect-non-literal-fs-filename -- the list the scan script wrote
const revisions = deployedRevisions(readFileSync(file, 'utf8'), deployment);
if (revisions.length === 0) {
  console.error(`deployed-revisions: no ReplicaSet of deployment ${deployment} carries a revision`);
  process.exit(1);
}
for (const { revision, image } of revisions) console.log(`${String(revision)} ${image}`);
