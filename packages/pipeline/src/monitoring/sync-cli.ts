/* eslint-disable security/detect-non-literal-fs-filename -- the file is monitoring/monitors.json in this repository */
// pnpm --filter @mastercom/pipeline monitors:sync [--apply]
// Dry run by default: prints what it would create, update and delete. DD_API_KEY and DD_APP_KEY
// authenticate; DATADOG_API_URL or DD_SITE (e.g. datadoghq.eu) choose the API.
import { readFileSync } from 'node:fs';
import { booleanFlags } from '../cli-flags.js';
import { repoPath } from '../repository.js';
import type { MonitorDefinition } from './monitors.js';
import { syncMonitors } from './sync-monitors.js';

const { apply } = booleanFlags(
  'monitors:sync',
  'usage: pnpm --filter @mastercom/pipeline monitors:sync [--apply]',
  ['apply'],
);
const monitors = JSON.parse(
  readFileSync(repoPath('monitoring', 'monitors.json'), 'utf8'),
) as MonitorDefinition[];
const env = process.env;
try {
  await syncMonitors({
    monitors,
    apiUrl: env.DATADOG_API_URL ?? `https://api.${env.DD_SITE ?? 'datadoghq.com'}`,
    // An empty variable counts as unset, as in scripts/deploy.sh.
    apiKey: env.DD_API_KEY === '' ? undefined : env.DD_API_KEY,
    appKey: env.DD_APP_KEY === '' ? undefined : env.DD_APP_KEY,
    apply,
    log: (line) => {
      console.log(line);
    },
  });
} catch (error) {
  console.error(`monitors:sync: ${(error as Error).message}`);
  process.exit(1);
}
