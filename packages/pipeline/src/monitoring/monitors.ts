// Datadog monitors as code. Every threshold that is a service-level objective comes from the SLO
// module in @mastercom/contracts, so changing an SLO changes the load gate, the deploy's
// verification window and these monitors together. monitoring/monitors.json is generated from
// this file (pnpm --filter @mastercom/pipeline generate:monitors) and pushed with
// `monitors:sync`; a test fails when the committed JSON differs from a fresh generation.
import {
  ACK_LATENCY_MS,
  ERROR_RATE_CEILING,
  OUTCOME_CRITICAL_AGE_MS,
  OUTCOME_DEADLINE_MS,
  OUTCOME_WARNING_AGE_MS,
} from '@mastercom/contracts/slo';

export const SERVICE = 'mastercom-service';
/** Every generated monitor carries this tag; the sync finds its own monitors by it. */
export const MANAGED_TAG = 'managed-by:mastercom-monitoring-as-code';

export interface MonitorDefinition {
  name: string;
  type: 'query alert' | 'service check';
  query: string;
  message: string;
  tags: string[];
  priority: number;
  options: {
    thresholds: Record<string, number>;
    notify_no_data: boolean;
    no_data_timeframe?: number;
    renotify_interval: number;
    require_full_window: boolean;
    include_tags: boolean;
    evaluation_delay?: number;
  };
}

/**
 * Who hears about each environment. Production pages the on-call rotation; staging goes to the
 * team channel only, at a lower priority, so a broken staging deploy is seen without waking anyone.
 */
export const ENVIRONMENTS = {
  production: { notify: '@pagerduty-mastercom-service', priority: 1 },
  staging: { notify: '@slack-mastercom-staging', priority: 3 },
} as const;
export type Environment = keyof typeof ENVIRONMENTS;

const HOUR_MS = 60 * 60 * 1000;
const hours = (ms: number) => `${String(ms / HOUR_MS)} h`;

/**
 * An alert still in RECEIVED this long means no worker is taking jobs. Normal pickup is well under
 * a second (the alert-to-outcome p99 is 2 s); 15 minutes is long enough to ride out a worker
 * rollout and still leaves almost the whole 24 h window to recover.
 */
const UNPROCESSED_AGE_SECONDS = { warning: 5 * 60, critical: 15 * 60 } as const;

/** Mastercard signing keys are renewed through a portal with approval: 30 days is the lead time. */
const KEY_EXPIRY_DAYS = { warning: 45, critical: 30 } as const;

export function monitorsFor(environment: Environment): MonitorDefinition[] {
  const { notify, priority } = ENVIRONMENTS[environment];
  const scope = `service:${SERVICE},env:${environment}`;
  const tags = [`service:${SERVICE}`, `env:${environment}`, 'team:dispute-service', MANAGED_TAG];
  const base = {
    notify_no_data: false,
    renotify_interval: 60,
    require_full_window: false,
    include_tags: true,
  };
  const message = (what: string, action: string) =>
    `${what}\n\n${action}\n\nRunbook: docs/operations/runbook.md, "When a monitor fires". ${notify}`;
  const name = (what: string) => `[${environment}] ${SERVICE}: ${what}`;

  return [
    {
      name: name(`webhook error rate above the ${String(ERROR_RATE_CEILING * 100)} % SLO`),
      type: 'query alert',
      query: `sum(last_10m):sum:trace.express.request.errors{${scope}}.as_count() / sum:trace.express.request.hits{${scope}}.as_count() > ${String(ERROR_RATE_CEILING)}`,
      message: message(
        'More requests fail than the error-rate ceiling in contracts/src/slo.ts allows. Ethoca retries unacknowledged deliveries, so every failure is a redelivery and a cost.',
        'Check /health and the database; if a deploy just happened, `scripts/rollback.sh ENV`.',
      ),
      tags,
      priority,
      options: {
        ...base,
        thresholds: { critical: ERROR_RATE_CEILING, warning: ERROR_RATE_CEILING / 2 },
      },
    },
    ...(['p95', 'p99'] as const).map((percentile): MonitorDefinition => ({
      name: name(
        `webhook ${percentile} acknowledgement latency above ${String(ACK_LATENCY_MS[percentile])} ms`,
      ),
      type: 'query alert',
      query: `avg(last_10m):avg:mastercom.webhook.ack_latency.${percentile.slice(1)}percentile{${scope}} > ${String(ACK_LATENCY_MS[percentile])}`,
      message: message(
        `The ${percentile} of the webhook's acknowledgement latency is above its SLO (contracts/src/slo.ts); Ethoca's hard limit is 30 s.`,
        'Look at database commit latency and pool saturation; scale the web role if CPU is the limit.',
      ),
      tags,
      priority,
      options: {
        ...base,
        thresholds: {
          critical: ACK_LATENCY_MS[percentile],
          warning: ACK_LATENCY_MS[percentile] * 0.8,
        },
      },
    })),
    {
      name: name('health check failing'),
      type: 'service check',
      query: `"http.can_connect".over("instance:mastercom-service-health","env:${environment}").by("pod_name").last(4).count_by_status()`,
      message: message(
        'A pod fails its readiness check (/health): it cannot reach the database or is shutting down without finishing.',
        'Check the pod events and the database; Kubernetes already routes around an unready pod.',
      ),
      tags,
      priority,
      options: { ...base, thresholds: { ok: 1, warning: 1, critical: 3 } },
    },
    {
      name: name('oldest unprocessed alert waiting too long'),
      type: 'query alert',
      query: `max(last_5m):max:mastercom.alerts.oldest_unprocessed_age_seconds{${scope}} > ${String(UNPROCESSED_AGE_SECONDS.critical)}`,
      message: message(
        'An alert has waited in RECEIVED for longer than a worker ever needs: no worker is taking jobs.',
        'Check the worker Deployment (pods, restarts, logs) and pg-boss in the database.',
      ),
      tags,
      priority,
      options: { ...base, thresholds: { ...UNPROCESSED_AGE_SECONDS } },
    },
    {
      name: name('outcomes dead-lettered'),
      type: 'query alert',
      query: `sum(last_1h):sum:mastercom.outcomes.dead_letter{${scope}}.as_count() > 0`,
      message: message(
        'The Outcome API client gave up on an outcome after its retry budget: the alert is OUTCOME_FAILED and needs a person.',
        'Find the alert (`GET /api/v6/alerts?status=OUTCOME_FAILED`), fix the cause and report the outcome before the 24 h deadline.',
      ),
      tags,
      priority,
      options: { ...base, thresholds: { critical: 0 } },
    },
    {
      name: name(`outcomes at risk: alerts open past ${hours(OUTCOME_CRITICAL_AGE_MS)}`),
      type: 'query alert',
      query: `max(last_5m):max:mastercom.alerts.open_by_deadline{${scope},bucket:critical} + max:mastercom.alerts.open_by_deadline{${scope},bucket:overdue} > 0`,
      message: message(
        `Alerts without a final outcome are older than ${hours(OUTCOME_CRITICAL_AGE_MS)}; Ethoca's deadline is ${hours(OUTCOME_DEADLINE_MS)} after receipt.`,
        'Decide the held ones at the desk (`/desk` on the internal host, an agent token) and check the worker and the Outcome API.',
      ),
      tags,
      priority,
      options: { ...base, thresholds: { critical: 0 } },
    },
    {
      name: name(`alerts open past ${hours(OUTCOME_WARNING_AGE_MS)}`),
      type: 'query alert',
      query: `max(last_5m):max:mastercom.alerts.open_by_deadline{${scope},bucket:warning} > 0`,
      message: message(
        `Alerts without a final outcome are older than ${hours(OUTCOME_WARNING_AGE_MS)}, half of Ethoca's window.`,
        'Look at why they are not decided (unmatched, refund unconfirmed, Outcome API failing) during working hours.',
      ),
      tags,
      priority: priority + 1,
      options: { ...base, thresholds: { critical: 0 } },
    },
    {
      name: name(
        `Mastercard API key expires in less than ${String(KEY_EXPIRY_DAYS.critical)} days`,
      ),
      type: 'query alert',
      query: `min(last_1h):min:mastercom.api_key.days_to_expiry{${scope}} < ${String(KEY_EXPIRY_DAYS.critical)}`,
      message: message(
        'The Mastercard signing key (MASTERCOM_KEY_EXPIRES_AT) expires soon; without it no chargeback is worked.',
        'Renew the key in Mastercard Developers, update the mastercom-mastercard-signing Secret and MASTERCOM_KEY_EXPIRES_AT, and deploy.',
      ),
      tags,
      priority: priority + 1,
      options: { ...base, renotify_interval: 1440, thresholds: { ...KEY_EXPIRY_DAYS } },
    },
    {
      name: name('Ethoca alerts became chargebacks'),
      type: 'query alert',
      query: `sum(last_1d):sum:mastercom.alerts.became_chargeback{${scope}}.as_count() > 0`,
      message: message(
        'A Mastercom chargeback was linked to an earlier Ethoca alert: the alert did not prevent the dispute.',
        'Review the alert and its outcome (`GET /api/v6/alerts/ALERT_ID`) and the decision rule that chose it.',
      ),
      tags,
      priority: priority + 2,
      options: { ...base, renotify_interval: 0, thresholds: { critical: 0 } },
    },
  ];
}

/** All monitors of all environments, in a stable order. */
export function allMonitors(): MonitorDefinition[] {
  return (Object.keys(ENVIRONMENTS) as Environment[]).flatMap((environment) =>
    monitorsFor(environment),
  );
}

/** The committed file's exact text. */
export function monitorsJson(): string {
  return `${JSON.stringify(allMonitors(), null, 2)}\n`;
}
