// `pnpm alerts:send`: posts fixture alerts to a running service and prints the acknowledgement.
// A newcomer's first contact with the webhook, and a quick check after a deploy.
import { parseArgs } from 'node:util';
import { alertAcknowledgementSchema } from '@mastercom/contracts';
import { createAlertDelivery, transactionForAlert } from '@mastercom/contracts/fixtures';
import { standardWebhookHeaders } from '../webhook-signing/standard-webhook-signer.js';

const USAGE = `usage: pnpm alerts:send [--url URL] [--count N] [--seed N] [--single] [--token TOKEN]
  --url     service base URL (default http://127.0.0.1:8080)
  --count   alerts to send (default 3, at most 100)
  --seed    fixture seed; the same seed sends the same alerts again (default: from the clock)
  --single  one delivery per alert instead of one batch
  --token   an API token: first records the merchant's transactions for these alerts
            (POST /api/v6/transactions), so they match and are refunded or stopped
Signs each delivery (Standard Webhooks) when WEBHOOK_HMAC_SECRETS is set.`;

function readFlags() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        count: { type: 'string', default: '3' },
        seed: { type: 'string' },
        single: { type: 'boolean', default: false },
        token: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`alerts:send: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = readFlags();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const count = Number(values.count);
const seed = values.seed === undefined ? Date.now() % 2_147_483_647 : Number(values.seed);
if (!Number.isInteger(count) || count < 1 || count > 100 || !Number.isInteger(seed)) {
  console.error(USAGE);
  process.exit(2);
}
const secrets = (process.env.WEBHOOK_HMAC_SECRETS ?? '')
  .split(/[\s,]+/)
  .filter((secret) => secret.length > 0);
const endpoint = new URL('/api/v6/webhooks/ethoca', values.url);
const { alerts } = createAlertDelivery(seed, count);

if (values.token !== undefined) {
  const transactions = alerts.map((alert) => transactionForAlert(alert));
  const response = await fetch(new URL('/api/v6/transactions', values.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${values.token}` },
    body: JSON.stringify({ transactions }),
    signal: AbortSignal.timeout(30_000),
  });
  console.log(`transactions: HTTP ${response.status} ${await response.text()}`);
  if (!response.ok) process.exit(1);
}
const deliveries = values.single ? alerts.map((alert) => alert as unknown) : [{ alerts }];

let failed = false;
for (const delivery of deliveries) {
  const body = JSON.stringify(delivery);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secrets.length > 0) Object.assign(headers, standardWebhookHeaders({ secret: secrets, body }));
  const response = await fetch(endpoint, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const ack = response.ok ? alertAcknowledgementSchema.safeParse(JSON.parse(text)) : undefined;
  if (ack?.success) {
    for (const entry of ack.data.alertResponses) {
      console.log(
        `${entry.status.padEnd(7)} ${entry.alertId ?? '(no id)'}${entry.errors ? ` ${JSON.stringify(entry.errors)}` : ''}`,
      );
      if (entry.status !== 'SUCCESS') failed = true;
    }
  } else {
    console.log(`HTTP ${response.status} ${text}`);
    failed = true;
  }
}
console.log(
  `${alerts.length} alert(s) sent to ${endpoint.href}${secrets.length > 0 ? ' (signed)' : ''}; seed ${seed}`,
);
process.exit(failed ? 1 : 0);
