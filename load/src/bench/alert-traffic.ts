import { createAlert } from '@mastercom/contracts/fixtures';
import type { EthocaAlert } from '@mastercom/contracts';
import { signStandardWebhook } from '@mastercom/testkit';
import autocannon from 'autocannon';
import { alertIdFor, runTag } from '../k6/alert-ids.js';

export const WEBHOOK_PATH = '/api/v6/webhooks/ethoca';

/**
 * Signed deliveries with alert ids unique to one phase, for autocannon and the open loop, and the
 * record of which alerts were acknowledged: the bench later checks every acknowledged alert is a
 * row. By default each body is one bare alert object; with `alertsPerDelivery` it is Ethoca's
 * `{ "alerts": [...] }` with that many alerts.
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
    private readonly alertsPerDelivery?: number,
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

  /** The next signed delivery: its body, its headers and the alert ids it carries. */
  nextDelivery(): { alertIds: string[]; body: string; headers: Record<string, string> } {
    const alerts =
      this.alertsPerDelivery === undefined
        ? [this.take()]
        : Array.from({ length: this.alertsPerDelivery }, () => this.take());
    const body = JSON.stringify(this.alertsPerDelivery === undefined ? alerts[0] : { alerts });
    this.sent += alerts.length;
    return {
      alertIds: alerts.map((alert) => alert.alertId),
      body,
      headers: {
        'content-type': 'application/json',
        ...signStandardWebhook({
          secret: this.secret,
          id: `msg_${alerts[0]?.alertId ?? ''}`,
          timestamp: Math.floor(Date.now() / 1000),
          body,
        }),
      },
    };
  }

  /**
   * Records an answer: each alert whose entry in a 2xx acknowledgement says SUCCESS for its id
   * counts as acknowledged; the others count as refused.
   */
  recordAnswer(alertIds: readonly string[], status: number, body: string): void {
    if (status < 200 || status >= 300) return;
    let responses: { alertId?: string; status?: string }[] = [];
    try {
      responses =
        (JSON.parse(body) as { alertResponses?: { alertId?: string; status?: string }[] })
          .alertResponses ?? [];
    } catch {
      // Not JSON: every alert of the delivery is counted as refused below.
    }
    alertIds.forEach((alertId, index) => {
      const entry = responses[index];
      if (entry?.status === 'SUCCESS' && entry.alertId === alertId) this.acknowledged.add(alertId);
      else this.rejectedAcknowledgements += 1;
    });
  }

  /** autocannon's request list: one webhook request, rebuilt with new alerts for every send. */
  requests(): autocannon.Request[] {
    return [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        setupRequest: (request, context) => {
          const delivery = this.nextDelivery();
          (context as { alertIds?: string[] }).alertIds = delivery.alertIds;
          return { ...request, body: delivery.body, headers: delivery.headers };
        },
        onResponse: (status, body, context) => {
          // No ids cannot match any acknowledgement, so a 2xx for them counts as refused.
          this.recordAnswer((context as { alertIds?: string[] }).alertIds ?? [''], status, body);
        },
      },
    ];
  }
}
