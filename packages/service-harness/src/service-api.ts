import {
  alertAcknowledgementSchema,
  storedAlertDetailSchema,
  type EthocaAlert,
  type MerchantTransaction,
  type StoredAlertDetail,
} from '@mastercom/contracts';
import { standardWebhookHeaders } from '@mastercom/testkit';

/** The service's HTTP API as Ethoca, the merchant's back office and an agent call it. */
export interface ServiceClient {
  /** Posts signed deliveries of at most `perDelivery` alerts; throws unless every alert is SUCCESS. */
  deliver(alerts: readonly EthocaAlert[], perDelivery?: number): Promise<void>;
  recordTransactions(transactions: readonly MerchantTransaction[]): Promise<void>;
  getAlert(alertId: string): Promise<StoredAlertDetail>;
  postOutcome(alertId: string, body: unknown): Promise<{ status: number; body: unknown }>;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** The webhook answered a delivery with something other than 200: nothing was acknowledged. */
export class WebhookRefusal extends Error {
  constructor(
    readonly status: number,
    /** `Retry-After` in seconds, when the answer asked to deliver again later (503). */
    readonly retryAfterSeconds: number | undefined,
    body: string,
  ) {
    super(`webhook answered ${String(status)}: ${body}`);
    this.name = 'WebhookRefusal';
  }
}

export function serviceClient(options: {
  url: () => string;
  hmacSecret: string;
  apiToken: string;
}): ServiceClient {
  const bearer = { authorization: `Bearer ${options.apiToken}` };
  const endpoint = (path: string) => new URL(path, options.url());

  return {
    async deliver(alerts, perDelivery = 25) {
      for (let start = 0; start < alerts.length; start += perDelivery) {
        const batch = alerts.slice(start, start + perDelivery);
        const body = JSON.stringify({ alerts: batch });
        const response = await fetch(endpoint('/api/v6/webhooks/ethoca'), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...standardWebhookHeaders({ secret: options.hmacSecret, body }),
          },
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        if (response.status !== 200) {
          const retryAfter = response.headers.get('retry-after');
          throw new WebhookRefusal(
            response.status,
            retryAfter === null ? undefined : Number(retryAfter),
            text,
          );
        }
        const ack = alertAcknowledgementSchema.parse(JSON.parse(text));
        const refused = ack.alertResponses.filter((item) => item.status !== 'SUCCESS');
        if (refused.length > 0 || ack.alertResponses.length !== batch.length) {
          throw new Error(`webhook did not accept every alert: ${text}`);
        }
      }
    },

    async recordTransactions(transactions) {
      for (let start = 0; start < transactions.length; start += 1000) {
        const response = await fetch(endpoint('/api/v6/transactions'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer },
          body: JSON.stringify({ transactions: transactions.slice(start, start + 1000) }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (response.status !== 200) {
          throw new Error(`transactions answered ${response.status}: ${await response.text()}`);
        }
      }
    },

    async getAlert(alertId) {
      const response = await fetch(endpoint(`/api/v6/alerts/${encodeURIComponent(alertId)}`), {
        headers: bearer,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status !== 200)
        throw new Error(`GET alert answered ${response.status}: ${text}`);
      return storedAlertDetailSchema.parse(JSON.parse(text));
    },

    async postOutcome(alertId, body) {
      const response = await fetch(
        endpoint(`/api/v6/alerts/${encodeURIComponent(alertId)}/outcome`),
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        },
      );
      const text = await response.text();
      return {
        status: response.status,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
    },
  };
}
