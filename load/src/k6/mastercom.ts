/**
 * The k6 entry point for every scenario. LOAD_SCENARIO picks the profile (smoke, load, stress,
 * spike, soak); BASE_URL (reads, health) and WEBHOOK_URL (deliveries; default BASE_URL) say where
 * to send; deliveries authenticate as Ethoca's do, with a client certificate
 * (LOAD_CLIENT_CERT_FILE, LOAD_CLIENT_KEY_FILE, through k6's tlsAuth for the webhook host; see
 * docs/decisions/0001) and/or a Standard Webhooks signature (LOAD_WEBHOOK_SECRET); reads use
 * LOAD_API_TOKEN. Bundled by src/bundle/build-k6.ts into dist/k6/mastercom.js.
 */
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { ACK_BUDGET_MS } from '@mastercom/contracts/slo';
import { runTag } from './alert-ids.js';
import { profileName, scenariosFor } from './profiles.js';
import {
  alertDetailRequest,
  alertListRequest,
  healthRequests,
  newDelivery,
  redelivery,
  type DeliveryContext,
  type PlannedDelivery,
  type PlannedRequest,
} from './requests.js';
import { summaryFiles, type SummaryData } from './summary.js';
import { ALERTS_ACKNOWLEDGED, sloThresholds } from './thresholds.js';
import { deliveryKind } from './traffic-mix.js';
import { webhookClientCertificate } from './client-certificate.js';
import { decodeWebhookSecret } from './webhook-signer.js';

function required(name: string): string {
  const value = __ENV[name];
  if (value === undefined || value === '') throw new Error(`${name} must be set`);
  return value;
}

const profile = profileName(__ENV.LOAD_SCENARIO);
const baseUrl = required('BASE_URL');
const webhookUrl =
  __ENV.WEBHOOK_URL !== undefined && __ENV.WEBHOOK_URL !== '' ? __ENV.WEBHOOK_URL : baseUrl;
const secret = __ENV.LOAD_WEBHOOK_SECRET;
const signingKey = secret !== undefined && secret !== '' ? decodeWebhookSecret(secret) : undefined;
const clientCertificate = webhookClientCertificate(__ENV, webhookUrl, (path) => open(path));
if (signingKey === undefined && clientCertificate === undefined) {
  throw new Error(
    'LOAD_CLIENT_CERT_FILE and LOAD_CLIENT_KEY_FILE (a client certificate the webhook accepts) or LOAD_WEBHOOK_SECRET must be set: the webhook takes no unauthenticated delivery',
  );
}
const apiToken = required('LOAD_API_TOKEN');
const reportDir = __ENV.LOAD_REPORT_DIR ?? 'reports';

export const options: Options = {
  scenarios: scenariosFor(profile, { duration: __ENV.LOAD_DURATION }),
  thresholds: sloThresholds(profile),
  // p(99.9) is an SLO, so the summary has to show it next to the default statistics.
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'],
  tags: { profile },
  ...(clientCertificate === undefined ? {} : { tlsAuth: [clientCertificate] }),
};

const alertsAcknowledged = new Counter(ALERTS_ACKNOWLEDGED);
const redeliveries = new Counter('alerts_redelivered');

/** A request slower than Ethoca's budget is a failed acknowledgement, as Ethoca would see it. */
const REQUEST_TIMEOUT = `${ACK_BUDGET_MS}ms`;

export interface SetupData {
  readonly runTag: string;
  /** An alert known to exist, for the detail reads. */
  readonly knownAlertId: string;
}

/** The last new single delivery this VU sent; each VU has its own module scope in k6. */
let lastSingle: PlannedDelivery | undefined;

function send(request: PlannedRequest): RefinedResponse<ResponseType | undefined> {
  const params = {
    headers: { ...request.headers },
    tags: { ...request.tags },
    timeout: REQUEST_TIMEOUT,
  };
  return request.method === 'POST'
    ? http.post(request.url, request.body, params)
    : http.get(request.url, params);
}

interface AckEntry {
  alertId?: unknown;
  status?: unknown;
}

function acknowledgedIds(body: unknown): string[] {
  if (typeof body !== 'string') return [];
  try {
    const parsed = JSON.parse(body) as { alertResponses?: AckEntry[] };
    return (parsed.alertResponses ?? [])
      .filter((entry) => entry.status === 'SUCCESS' && typeof entry.alertId === 'string')
      .map((entry) => entry.alertId as string);
  } catch {
    return [];
  }
}

function deliver(planned: PlannedDelivery): boolean {
  const response = send(planned);
  const acknowledged = acknowledgedIds(response.body);
  const ok = check(
    response,
    {
      'webhook answered 200': (r) => r.status === 200,
      'every alert acknowledged SUCCESS, in order': () =>
        acknowledged.length === planned.alertIds.length &&
        acknowledged.every((id, index) => id === planned.alertIds[index]),
    },
    { endpoint: 'webhook' },
  );
  alertsAcknowledged.add(acknowledged.length);
  if (planned.kind === 'redelivery') redeliveries.add(acknowledged.length);
  return ok;
}

function deliveryContext(data: SetupData, source: 'W' | 'S'): DeliveryContext {
  return {
    baseUrl: webhookUrl,
    signingKey,
    runTag: data.runTag,
    source,
    iteration: exec.scenario.iterationInTest,
    nowMs: Date.now(),
  };
}

export function setup(): SetupData {
  const tag = runTag(Date.now());
  const seed = newDelivery(
    { baseUrl: webhookUrl, signingKey, runTag: tag, source: 'S', iteration: 0, nowMs: Date.now() },
    'single',
  );
  // One signed delivery before the load starts: a wrong URL or secret stops the run here, with
  // the reason, instead of as a wall of failed requests.
  if (!deliver(seed)) {
    throw new Error(
      `the setup delivery to ${seed.url} was not acknowledged; check BASE_URL (or WEBHOOK_URL) and the client certificate or LOAD_WEBHOOK_SECRET`,
    );
  }
  return { runTag: tag, knownAlertId: seed.alertIds[0] ?? '' };
}

/** One webhook delivery: a new single alert, a batch or a redelivery, by the traffic mix. */
export function webhook(data: SetupData): void {
  const context = deliveryContext(data, 'W');
  const kind = deliveryKind(context.iteration);
  let planned: PlannedDelivery;
  if (kind === 'redelivery' && lastSingle !== undefined) {
    planned = redelivery(lastSingle, context);
  } else {
    planned = newDelivery(context, kind === 'batch' ? 'batch' : 'single');
    if (planned.kind === 'single') lastSingle = planned;
  }
  deliver(planned);
}

/** An operator's reads: the newest page of alerts and one alert's detail. */
export function reads(data: SetupData): void {
  const list = send(alertListRequest(baseUrl, apiToken, 50));
  check(list, { 'alert list answered 200': (r) => r.status === 200 }, { endpoint: 'alerts-read' });
  const detail = send(alertDetailRequest(baseUrl, apiToken, data.knownAlertId));
  check(
    detail,
    { 'alert detail answered 200': (r) => r.status === 200 },
    { endpoint: 'alerts-read' },
  );
}

/** The probes a platform sends: liveness, readiness and the webhook's own health. */
export function health(): void {
  for (const request of healthRequests(baseUrl)) {
    const response = send(request);
    check(response, { 'health answered 200': (r) => r.status === 200 }, { endpoint: 'health' });
  }
}

/** The smoke iteration: one of each kind of request, then a pause, from a single VU. */
export function smoke(data: SetupData): void {
  health();
  webhook(data);
  reads(data);
  sleep(1);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryFiles(profile, reportDir, data);
}
