import type { Metrics } from '../platform/observability/metrics.js';

/** Mastercard API keys expire after 13 months; the service warns this long before. */
export const KEY_EXPIRY_WARNING_DAYS = 30;

export interface KeyExpiryCheck {
  status: 'ok' | 'warn';
  daysRemaining: number;
  detail: string;
}

/**
 * How long the Mastercard key has left, as a `/health` check: `warn`, never `fail`, so an expiring
 * key pages someone without taking the service out of the load balancer. The days left are also
 * published as a gauge, which is what the monitor alerts on.
 */
export function checkKeyExpiry(
  expiresAt: string,
  metrics?: Pick<Metrics, 'gauge'>,
  now: Date = new Date(),
): KeyExpiryCheck {
  const expiry = Date.parse(`${expiresAt}T00:00:00Z`);
  const daysRemaining = Math.floor((expiry - now.getTime()) / 86_400_000);
  // Published as mastercom.api_key.days_to_expiry: the metrics client adds the prefix.
  metrics?.gauge('api_key.days_to_expiry', daysRemaining);
  if (daysRemaining < 0) {
    return {
      status: 'warn',
      daysRemaining,
      detail: `the Mastercard API key expired on ${expiresAt}; renew it in Mastercard Developers`,
    };
  }
  if (daysRemaining < KEY_EXPIRY_WARNING_DAYS) {
    return {
      status: 'warn',
      daysRemaining,
      detail: `the Mastercard API key expires on ${expiresAt}, in ${daysRemaining} days; renew it in Mastercard Developers`,
    };
  }
  return {
    status: 'ok',
    daysRemaining,
    detail: `expires on ${expiresAt}, in ${daysRemaining} days`,
  };
}
