import type { EthocaAlert } from '@mastercom/contracts';
import { createAlert } from '@mastercom/contracts/fixtures';
import { ServiceProcess, type Harness, type OutputLine } from '@mastercom/service-harness';

/**
 * A 25-character alert id unique to a scenario (`prefix`, letters and digits) and an index. The
 * padding is letters: a run of 13 or more zeros passes Luhn and would look like a card number to
 * the card-data scan.
 */
export function alertId(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(25 - prefix.length, 'X')}`;
}

/**
 * A valid alert with the scenario's id. `createAlert` puts a full test card number in about a
 * quarter of them, which the card-data scan at the end of each scenario must not find stored.
 */
export function scenarioAlert(prefix: string, index: number): EthocaAlert {
  return createAlert(index + prefix.charCodeAt(0) * 1_000_000, { alertId: alertId(prefix, index) });
}

/**
 * Starts the built service with the harness's environment and keeps every line it and its
 * restarts write, for the card-data scan (the process keeps only its last lines itself).
 */
export async function startLoggedService(
  h: Harness,
  name: string,
  logs: OutputLine[],
  overrides: Readonly<Record<string, string>> = {},
): Promise<ServiceProcess> {
  return ServiceProcess.start({
    name,
    env: h.env(overrides),
    onOutput: (line) => logs.push(line),
  });
}

/** GET `/health` and its status, or 0 when nothing answered. */
export async function healthStatus(url: string): Promise<number> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
