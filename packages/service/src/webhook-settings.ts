import type { WebhookSettings } from './app.js';
import {
  validateDeliveryAuthOptions,
  type DeliveryAuthOptions,
} from './alerts/authentication/index.js';
import { ConfigError, type Config } from './config.js';

/**
 * The webhook's authentication modes and limits, from validated configuration. A bad proxy
 * address or a secret that is not base64 stops the start with the other configuration errors.
 */
export function webhookSettings(config: Config): WebhookSettings {
  const allowedSubjectDns = config.WEBHOOK_ALLOWED_SUBJECT_DNS;
  const auth: DeliveryAuthOptions = {
    mtls: config.TLS_CLIENT_CA === undefined ? undefined : { allowedSubjectDns },
    trustedProxy:
      config.WEBHOOK_TRUSTED_PROXIES.length === 0
        ? undefined
        : {
            proxies: config.WEBHOOK_TRUSTED_PROXIES,
            verifyHeader: config.WEBHOOK_PROXY_VERIFY_HEADER,
            subjectHeader: config.WEBHOOK_PROXY_SUBJECT_HEADER,
            allowedSubjectDns,
          },
    hmac:
      config.WEBHOOK_HMAC_SECRETS.length === 0
        ? undefined
        : {
            secrets: config.WEBHOOK_HMAC_SECRETS,
            toleranceSeconds: config.WEBHOOK_HMAC_TOLERANCE_SECONDS,
          },
  };
  const problems = validateDeliveryAuthOptions(auth, { environment: config.NODE_ENV });
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    auth,
    // Configuration refuses to start outside development without a mode, so this only ever
    // opens the webhook on a developer's machine.
    allowUnauthenticated: config.NODE_ENV === 'development',
    bodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
    maxAlertsPerDelivery: config.WEBHOOK_MAX_ALERTS_PER_DELIVERY,
    maxInFlight: config.WEBHOOK_MAX_IN_FLIGHT,
    memberTimeZone: config.ETHOCA_MEMBER_TIMEZONE,
  };
}
