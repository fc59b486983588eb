// `pnpm turbo run security:audit`: the vulnerability step. See audit.ts for its three outcomes.
import { annotateSkippedAudit, runAudit } from './audit.js';

const outcome = await runAudit();
if (outcome.kind === 'failed') {
  console.error(`audit: ${outcome.message}`);
  process.exitCode = 1;
} else {
  console.log(`audit: ${outcome.message}`);
  if (annotateSkippedAudit(outcome))
    console.log('audit: notice added to the Buildkite build as an annotation');
}
