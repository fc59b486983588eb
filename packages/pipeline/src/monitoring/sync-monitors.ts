// Pushes monitoring/monitors.json to Datadog through the monitors API (v1). Monitors are matched
// by name among those carrying MANAGED_TAG: missing ones are created, changed ones updated, and
// managed ones no longer defined are deleted, so the account follows the repository.
import { MANAGED_TAG, type MonitorDefinition } from './monitors.js';

export interface SyncOptions {
  monitors: MonitorDefinition[];
  /** Base URL of the Datadog API, e.g. https://api.datadoghq.eu. */
  apiUrl: string;
  apiKey: string | undefined;
  appKey: string | undefined;
  /** Without it nothing is written: the plan is printed. */
  apply: boolean;
  log: (line: string) => void;
}

export interface SyncPlan {
  create: MonitorDefinition[];
  update: { id: number; monitor: MonitorDefinition }[];
  unchanged: { id: number; monitor: MonitorDefinition }[];
  remove: { id: number; name: string }[];
}

interface ExistingMonitor extends Partial<MonitorDefinition> {
  id: number;
  name: string;
}

/** The fields this repository owns; Datadog adds others (creator, state) that are not compared. */
function owned(monitor: Partial<MonitorDefinition>): string {
  const options = monitor.options ?? {};
  const picked = Object.fromEntries(
    Object.keys(options)
      .sort()
      .map((key) => [key, (options as Record<string, unknown>)[key]]),
  );
  return JSON.stringify({
    type: monitor.type,
    query: monitor.query,
    message: monitor.message,
    tags: [...(monitor.tags ?? [])].sort(),
    priority: monitor.priority,
    options: picked,
  });
}

export function planSync(monitors: MonitorDefinition[], existing: ExistingMonitor[]): SyncPlan {
  const byName = new Map(existing.map((monitor) => [monitor.name, monitor]));
  const plan: SyncPlan = { create: [], update: [], unchanged: [], remove: [] };
  for (const monitor of monitors) {
    const current = byName.get(monitor.name);
    if (current === undefined) {
      plan.create.push(monitor);
      continue;
    }
    byName.delete(monitor.name);
    // Datadog echoes the options it was given plus defaults; only the keys defined here count.
    const comparable = {
      ...current,
      options: Object.fromEntries(
        Object.keys(monitor.options).map((key) => [
          key,
          (current.options as Record<string, unknown> | undefined)?.[key],
        ]),
      ) as MonitorDefinition['options'],
    };
    (owned(comparable) === owned(monitor) ? plan.unchanged : plan.update).push({
      id: current.id,
      monitor,
    });
  }
  for (const stale of byName.values()) plan.remove.push({ id: stale.id, name: stale.name });
  return plan;
}

export async function syncMonitors(options: SyncOptions): Promise<SyncPlan | undefined> {
  const { log } = options;
  if (options.apiKey === undefined || options.appKey === undefined) {
    if (options.apply) {
      throw new Error('DD_API_KEY and DD_APP_KEY are needed to apply the monitors');
    }
    log(`dry run without DD_API_KEY and DD_APP_KEY: cannot compare with Datadog`);
    for (const monitor of options.monitors) log(`would create or update: ${monitor.name}`);
    return undefined;
  }
  const headers = {
    'content-type': 'application/json',
    'DD-API-KEY': options.apiKey,
    'DD-APPLICATION-KEY': options.appKey,
  };
  const api = options.apiUrl.replace(/\/$/, '');
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${api}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new Error(
        `Datadog ${method} ${path}: ${String(response.status)} ${await response.text()}`,
      );
    }
    return response.status === 204 ? undefined : response.json();
  }

  const existing = (await call(
    'GET',
    `/api/v1/monitor?monitor_tags=${encodeURIComponent(MANAGED_TAG)}`,
  )) as ExistingMonitor[];
  const plan = planSync(options.monitors, existing);
  const verb = options.apply ? '' : 'would ';
  for (const monitor of plan.create) {
    log(`${verb}create: ${monitor.name}`);
    if (options.apply) await call('POST', '/api/v1/monitor', monitor);
  }
  for (const { id, monitor } of plan.update) {
    log(`${verb}update #${String(id)}: ${monitor.name}`);
    if (options.apply) await call('PUT', `/api/v1/monitor/${String(id)}`, monitor);
  }
  for (const { id, name } of plan.remove) {
    log(`${verb}delete #${String(id)}: ${name} (no longer defined)`);
    if (options.apply) await call('DELETE', `/api/v1/monitor/${String(id)}`);
  }
  log(
    `${String(plan.create.length)} to create, ${String(plan.update.length)} to update, ${String(plan.remove.length)} to delete, ${String(plan.unchanged.length)} unchanged${options.apply ? '' : ' (dry run; --apply writes)'}`,
  );
  return plan;
}
