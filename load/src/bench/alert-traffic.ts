import { createAlert } from '@mastercom/contracts/fixtures';
import type { EthocaAlert } from '@mastercom/contracts';
import { signStandardWebhook } from '@mastercom/testkit';
import autocannon from 'autocannon';
import { alertIdFor, runTag } from '../k6/alert-ids.js';

export const WEBHOOK_PATH = '/api/v6/webhooks/ethoca';

/**
 * Signed single-alert deliveries with ids unique to one phase, for autocannon, and the record of
 * which of them were acknowledged: the bench later checks every acknowledged alert is a row.
 */
export class AlertTraffic {
  /** Every id here starts with this prefix, so a phase's rows can be counted with LIKE. */
  readonly prefix: string;
  readonly acknowledged = new Set<string>();
  sent = 0;
  /** 2xx answers whose acknowledgement was not SUCCESS for the alert sent. */
  rejectedAcknowledgements = 0;
  private readonly tag: string;
  private counter = 0;
  private readonly prepared: EthocaAlert[] = [];

  constructor(
    private readonly secret: string,
    tagSource: number,
  ) {
    this.tag = runTag(tagSource);
    this.prefix = `K${this.tag}W`;
  }

  /** The next alert this traffic will send; `prepare` makes them ahead of time. */
  private take(): EthocaAlert {
    return this.prepared.shift() ?? this.make();
  }

  private make(): EthocaAlert {
    const iteration = this.counter;
    this.counter += 1;
    return createAlert(iteration + 1, { alertId: alertIdFor(this.tag, 'W', iteration, 0) });
  }

  /** Makes `count` alerts now, so a phase can record their transactions before sending them. */
  prepare(count: number): EthocaAlert[] {
    const alerts = Array.from({ length: count }, () => this.make());
    this.prepared.push(...alerts);
    return alerts;
  }

  /** The next signed delivery: its body, its headers and the alert id it carries. */
  nextDelivery(): { alertId: string; body: string; headers: Record<string, string> } {
    const alert = this.take();
    const body = JSON.stringify(alert);
    this.sent += 1;
    return {
      alertId: alert.alertId,
      body,
      headers: {
        'content-type': 'application/json',
        ...signStandardWebhook({
          secret: this.secret,
          id: `msg_${alert.alertId}`,
          timestamp: Math.floor(Date.now() / 1000),
          body,
        }),
      },
    };
  }

  /** Records an answer: a 2xx whose acknowledgement says SUCCESS for the alert counts as acked. */
  recordAnswer(alertId: string, status: number, body: string): void {
    if (status < 200 || status >= 300) return;
    try {
      const ack = JSON.parse(body) as {
        alertResponses?: { alertId?: string; status?: string }[];
      };
      const entry = ack.alertResponses?.[0];
      if (entry?.status === 'SUCCESS' && entry.alertId === alertId) {
        this.acknowledged.add(alertId);
        return;
      }
    } catch {
      // Not JSON: counted below as a refused acknowledgement.
    }
    this.rejectedAcknowledgements += 1;
  }

  /** autocannon's request list: one webhook request, rebuilt with a new alert for every send. */
  requests(): autocannon.Request[] {
    return [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        setupRequest: (request, context) => {
          const delivery = this.nextDelivery();
          (context as { alertId?: string }).alertId = delivery.alertId;
          return { ...request, body: delivery.body, headers: delivery.headers };
        },
        onResponse: (status, body, context) => {
          // A missing id cannot match any acknowledgement, so a 2xx for it counts as refused.
          this.recordAnswer((context as { alertId?: string }).alertId ?? '', status, body);
        },
      },
    ];
  }
}
