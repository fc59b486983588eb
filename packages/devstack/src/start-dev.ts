// `pnpm start`: the service as production runs it (the service's dist/main.js in a child process)
// on an embedded PostgreSQL unless DATABASE_URL is set, with simulators of Ethoca's Outcome API
// and of the PSP unless both are configured, and of Mastercom unless MASTERCOM_URL is set, so a
// fresh clone shows an alert's whole lifecycle, the agents' desk, and can file cases. It waits for the service's
// readiness signal and stops everything it started when the service ends.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isServiceReadyMessage } from '@mastercom/contracts';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { prettyPrint, serviceLogOutput } from './service-log-output.js';
import { startSimulators } from './simulators.js';

const USAGE = `usage: pnpm start
  Starts the service with an embedded PostgreSQL (unless DATABASE_URL is set) and simulators of
  Ethoca, the PSP and Mastercom (unless ETHOCA_OUTCOME_URL and PSP_URL, or MASTERCOM_URL, are set).
  Everything else is configured by the service's environment variables.`;
try {
  const { values } = parseArgs({ options: { help: { type: 'boolean' } } });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
} catch (error) {
  console.error(`devstack: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

const env: NodeJS.ProcessEnv = { ...process.env };
const closers: (() => Promise<void>)[] = [];
const say = (line: string) => {
  console.log(`devstack: ${line}`);
};

if (env.NODE_ENV === 'production') {
  console.error('devstack: `pnpm start` is for development; production starts the image');
  process.exit(2);
}
if ((env.ETHOCA_OUTCOME_URL === undefined) !== (env.PSP_URL === undefined)) {
  console.error(
    'devstack: set both ETHOCA_OUTCOME_URL and PSP_URL, or neither to use the local simulators',
  );
  process.exit(2);
}

if (env.DATABASE_URL === undefined) {
  const database = await startEmbeddedPostgres(env.EMBEDDED_POSTGRES_DIR ?? '.data/postgres', say);
  closers.push(() => database.stop());
  env.DATABASE_URL = database.url;
  say(
    `embedded PostgreSQL ${database.version} (data in ${database.dataDir}, kept across restarts)`,
  );
}
if (env.ETHOCA_OUTCOME_URL === undefined) {
  const simulators = await startSimulators(env.MASTERCOM_URL === undefined);
  closers.push(() => simulators.close());
  // The developer's own sync interval wins over the simulator's 30 s.
  const syncInterval = env.MASTERCOM_SYNC_INTERVAL_SECONDS;
  Object.assign(env, simulators.env);
  if (syncInterval !== undefined) env.MASTERCOM_SYNC_INTERVAL_SECONDS = syncInterval;
  for (const line of simulators.described) say(line);
}

// Unmatched alerts wait an hour for an agent at the desk, as a PSP with agents would run it; the
// rules decide them when the hour is over. The developer's own setting wins.
env.UNMATCHED_HOLD_MINUTES ??= '60';

const main = fileURLToPath(import.meta.resolve('@mastercom/service/main'));
const service = spawn(process.execPath, ['--enable-source-maps', main], {
  env,
  stdio: ['inherit', serviceLogOutput(process.stdout.isTTY), 'inherit', 'ipc'],
});
if (service.stdout !== null) prettyPrint(service.stdout, process.stdout);
service.on('message', (message) => {
  if (isServiceReadyMessage(message)) {
    say(`ready: ${message.url} (${message.role}); stop with Ctrl-C`);
    say(
      `alert desk: ${message.url}/desk (sign in with an agent or admin token; unmatched alerts wait ${env.UNMATCHED_HOLD_MINUTES ?? '0'} min for an agent)`,
    );
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => service.kill(signal));
}
service.on('exit', (code, signal) => {
  void stopAll().finally(() => {
    process.exit(code ?? (signal === null ? 0 : 1));
  });
});

/** In reverse order of start: the database last, after the service closed its connections. */
async function stopAll(): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}
