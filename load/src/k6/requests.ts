import { createAlert } from '@mastercom/contracts/fixtures';
import { alertIdFor, type TrafficSource } from './alert-ids.js';
import { alertsIn, type WebhookDeliveryKind } from './traffic-mix.js';
import { signWebhook } from './webhook-signer.js';

/**
 * Builds every request the scenarios send, as plain data. The scenario functions only hand these
 * to k6/http, which keeps the request shapes testable without k6 (test/k6/requests.test.ts
 * validates them against the contracts and verifies their signatures).
 */

export const WEBHOOK_PATH = '/api/v6/webhooks/ethoca';
export const ALERTS_PATH = '/api/v6/alerts';
export const HEALTH_PATHS = ['/__ops/ping', '/health', '/api/v6/webhooks/ethoca/health'] as const;

/** The `endpoint` tag: thresholds select their requests by it. */
export type Endpoint = 'webhook' | 'alerts-read' | 'health';

export interface PlannedRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly tags: { readonly endpoint: Endpoint; readonly name: string; readonly kind?: string };
}

export interface PlannedDelivery extends PlannedRequest {
  readonly kind: WebhookDeliveryKind;
  /** The ids the acknowledgement must echo, in order. */
  readonly alertIds: readonly string[];
  readonly webhookId: string;
}

export interface DeliveryContext {
  /** The webhook's host: the one Ethoca reaches (WEBHOOK_URL), else BASE_URL. */
  readonly baseUrl: string;
  /** Standard Webhooks key; without it the delivery relies on the client certificate. */
  readonly signingKey: ArrayBuffer | undefined;
  readonly runTag: string;
  readonly source: TrafficSource;
  /** The scenario's iteration counter, unique across VUs. */
  readonly iteration: number;
  readonly nowMs: number;
}

function join(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

function signedHeaders(context: DeliveryContext, webhookId: string, body: string) {
  if (context.signingKey === undefined) return { 'content-type': 'application/json' };
  return {
    'content-type': 'application/json',
    ...signWebhook(context.signingKey, webhookId, Math.floor(context.nowMs / 1000), body),
  };
}

/** A new delivery (single alert or batch) with ids no earlier iteration used. */
export function newDelivery(
  context: DeliveryContext,
  kind: Exclude<WebhookDeliveryKind, 'redelivery'>,
): PlannedDelivery {
  const alerts = Array.from({ length: alertsIn(kind) }, (_unused, index) =>
    // The seed varies the alert's content; the id override makes it unique to this run.
    createAlert(context.iteration * 64 + index, {
      alertId: alertIdFor(context.runTag, context.source, context.iteration, index),
    }),
  );
  const body = JSON.stringify(kind === 'batch' ? { alerts } : alerts[0]);
  const webhookId = `msg_${alertIdFor(context.runTag, context.source, context.iteration, 0)}`;
  return {
    method: 'POST',
    url: join(context.baseUrl, WEBHOOK_PATH),
    body,
    headers: signedHeaders(context, webhookId, body),
    tags: { endpoint: 'webhook', name: WEBHOOK_PATH, kind },
    kind,
    alertIds: alerts.map((alert) => alert.alertId),
    webhookId,
  };
}

/**
 * The same delivery sent again, as Ethoca's retry would: same body and message id, signed afresh
 * with the current time (a stale timestamp would be refused as a replay).
 */
export function redelivery(previous: PlannedDelivery, context: DeliveryContext): PlannedDelivery {
  const body = previous.body ?? '';
  return {
    ...previous,
    headers: signedHeaders(context, previous.webhookId, body),
    tags: { ...previous.tags, kind: 'redelivery' },
    kind: 'redelivery',
  };
}

export function alertListRequest(baseUrl: string, token: string, limit: number): PlannedRequest {
  return {
    method: 'GET',
    url: `${join(baseUrl, ALERTS_PATH)}?limit=${limit}`,
    body: null,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    tags: { endpoint: 'alerts-read', name: ALERTS_PATH },
  };
}

export function alertDetailRequest(
  baseUrl: string,
  token: string,
  alertId: string,
): PlannedRequest {
  return {
    method: 'GET',
    url: join(baseUrl, `${ALERTS_PATH}/${encodeURIComponent(alertId)}`),
    body: null,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    // One name for every id keeps the metrics to one time series instead of one per alert.
    tags: { endpoint: 'alerts-read', name: `${ALERTS_PATH}/{alertId}` },
  };
}

export function healthRequests(baseUrl: string): PlannedRequest[] {
  return HEALTH_PATHS.map((path) => ({
    method: 'GET',
    url: join(baseUrl, path),
    body: null,
    headers: { accept: 'application/json' },
    tags: { endpoint: 'health', name: path },
  }));
}
