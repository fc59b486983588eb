import {
  acknowledgementAlertId,
  ALERTS_DELIVERY_SOURCE,
  alertFailure,
  alertSuccess,
  ETHOCA_REASON_CODES,
  ethocaAlertSchema,
  ethocaErrorEnvelope,
  ethocaErrorItem,
  splitAlertDelivery,
  validationErrorItems,
  type AlertAcknowledgement,
  type EthocaAlert,
} from '@mastercom/contracts';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import * as z from 'zod';
import { isTransientDatabaseError } from '../platform/database-errors.js';
import type { Logger } from '../platform/logger.js';
import type { Metrics } from '../platform/metrics.js';
import type { AlertToStore, IngestResult } from './alert-ingest.js';
import { normalizeAlert } from './alert-normalizer.js';
import { authenticateDelivery, type DeliveryAuthOptions } from './authentication/index.js';
import { exceedsDepth, findUnstorableText, MAX_DELIVERY_DEPTH } from './storable-json.js';
import type { WebhookStats } from './webhook-stats.js';

export const WEBHOOK_PATH = '/api/v6/webhooks/ethoca';

/** How long Ethoca is asked to wait before delivering again when the database is unavailable. */
const RETRY_AFTER_SECONDS = 5;

// These three say our own configuration or code is wrong, not the caller: a 500 and an alert.
const SERVER_SIDE_AUTH_FAILURES = new Set([
  'auth_not_configured',
  'auth_misconfigured',
  'verification_error',
]);

export interface WebhookDeps {
  /** Stores alerts and enqueues their jobs; resolves only after the commit. */
  ingest: (alerts: AlertToStore[]) => Promise<IngestResult[]>;
  auth: DeliveryAuthOptions;
  /** In development the webhook may run with no authentication at all; never elsewhere. */
  allowUnauthenticated: boolean;
  bodyLimitBytes: number;
  maxAlertsPerDelivery: number;
  metrics: Metrics;
  stats: WebhookStats;
  logger: Logger;
}

/**
 * `POST /api/v6/webhooks/ethoca`, the Ethoca Push receiver. Order of checks: media type (415),
 * size while reading (413), authentication on the exact bytes (401), JSON and delivery shape
 * (400), then per-alert validation. Valid alerts are stored and enqueued in one transaction and
 * acknowledged only after it commits; if the database cannot be reached, nothing is acknowledged.
 */
export function ethocaWebhookRouter(deps: WebhookDeps): Router {
  const router = Router();
  const fail = (
    res: Response,
    status: number,
    reasonCode: string,
    description: string,
    recoverable = false,
  ) => {
    deps.stats.record({ accepted: 0, duplicate: 0, rejected: 1 });
    deps.metrics.increment('webhook.rejected', 1, [`reason:${reasonCode.toLowerCase()}`]);
    res
      .status(status)
      .json(
        ethocaErrorEnvelope([
          ethocaErrorItem({ source: ALERTS_DELIVERY_SOURCE, reasonCode, description, recoverable }),
        ]),
      );
  };

  router.post(
    WEBHOOK_PATH,
    (req, res, next) => {
      const type = req.is('application/json');
      if (type === null) {
        fail(res, 400, ETHOCA_REASON_CODES.validation, 'body: a delivery needs a JSON body');
        return;
      }
      const charset = /;\s*charset="?([^";\s]+)/i
        .exec(req.get('content-type') ?? '')?.[1]
        ?.toLowerCase();
      if (type === false || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
        fail(
          res,
          415,
          ETHOCA_REASON_CODES.unsupportedMediaType,
          'content-type: must be application/json (UTF-8)',
        );
        return;
      }
      next();
    },
    // Reads the exact bytes (the HMAC is over them) and stops at the limit: a Content-Length over
    // it is refused before reading, a chunked body as soon as it passes it.
    express.raw({ type: () => true, limit: deps.bodyLimitBytes, inflate: false }),
    async (req, res) => {
      const started = performance.now();
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const auth =
        deps.allowUnauthenticated && !hasAnyMode(deps.auth)
          ? undefined
          : authenticateDelivery(req, raw, deps.auth);
      if (auth !== undefined && !auth.ok) {
        const serverSide = SERVER_SIDE_AUTH_FAILURES.has(auth.reason);
        req.log.warn(
          { reason: auth.reason, detail: auth.detail },
          'delivery refused by authentication',
        );
        fail(
          res,
          serverSide ? 500 : 401,
          ETHOCA_REASON_CODES.unauthenticated,
          serverSide
            ? 'authentication is misconfigured on the receiver'
            : `authentication failed: ${auth.reason}`,
        );
        return;
      }

      const body = parseJson(raw);
      if (!body.ok) {
        fail(res, 400, ETHOCA_REASON_CODES.validation, body.reason);
        return;
      }
      if (exceedsDepth(body.value, MAX_DELIVERY_DEPTH)) {
        fail(
          res,
          400,
          ETHOCA_REASON_CODES.validation,
          `body: nested deeper than ${MAX_DELIVERY_DEPTH} levels`,
        );
        return;
      }
      const delivery = splitAlertDelivery(body.value);
      if (!delivery.ok) {
        fail(res, 400, ETHOCA_REASON_CODES.validation, delivery.reason);
        return;
      }
      if (delivery.alerts.length > deps.maxAlertsPerDelivery) {
        fail(
          res,
          400,
          ETHOCA_REASON_CODES.validation,
          `alerts: at most ${deps.maxAlertsPerDelivery} alerts per delivery, got ${delivery.alerts.length}`,
        );
        return;
      }

      const parsed = delivery.alerts.map((item) => ({ item, result: validateAlert(item) }));
      const valid = parsed.flatMap(({ result }) =>
        result.success ? [normalizeAlert(result.data)] : [],
      );

      let results: IngestResult[];
      try {
        results = await deps.ingest(valid);
      } catch (error) {
        if (!isTransientDatabaseError(error)) throw error;
        req.log.error({ err: error }, 'database unavailable: delivery not acknowledged');
        deps.metrics.increment('webhook.unavailable');
        res.set('Retry-After', String(RETRY_AFTER_SECONDS));
        res.status(503).json(
          ethocaErrorEnvelope([
            ethocaErrorItem({
              source: ALERTS_DELIVERY_SOURCE,
              reasonCode: ETHOCA_REASON_CODES.unavailable,
              description: 'alerts could not be stored; nothing was acknowledged, deliver again',
              recoverable: true,
            }),
          ]),
        );
        return;
      }

      const duplicates = results.filter((result) => result.duplicate).length;
      const rejected = delivery.alerts.length - valid.length;
      const counts = { accepted: results.length - duplicates, duplicate: duplicates, rejected };
      deps.stats.record(counts);
      deps.metrics.increment('webhook.received', delivery.alerts.length);
      if (counts.accepted > 0) deps.metrics.increment('webhook.persisted', counts.accepted);
      if (duplicates > 0) deps.metrics.increment('webhook.duplicate', duplicates);
      if (rejected > 0) deps.metrics.increment('webhook.rejected', rejected, ['reason:validation']);
      const acknowledgement: AlertAcknowledgement = {
        alertResponses: parsed.map(({ item, result }) =>
          result.success
            ? alertSuccess(result.data.alertId)
            : alertFailure(
                acknowledgementAlertId(item),
                validationErrorItems(result.error, ALERTS_DELIVERY_SOURCE),
              ),
        ),
      };
      res.status(200).json(acknowledgement);
      deps.metrics.histogram('webhook.ack_latency', performance.now() - started);
      if (rejected > 0 || duplicates > 0) req.log.info(counts, 'delivery acknowledged');
    },
  );

  router.all(WEBHOOK_PATH, (_req, res) => {
    res.set('Allow', 'POST');
    fail(res, 405, 'METHOD_NOT_ALLOWED', 'method: the webhook accepts POST only');
  });

  const bodyErrors: ErrorRequestHandler = (
    error: { type?: string; status?: number },
    req: Request,
    res: Response,
    next,
  ) => {
    if (error.type === 'entity.too.large') {
      // The rest of an oversized body is not read; closing stops the sender from streaming it.
      // The header has to be set before the answer is sent, or setting it throws.
      res.set('Connection', 'close');
      fail(
        res,
        413,
        ETHOCA_REASON_CODES.payloadTooLarge,
        `body: larger than ${deps.bodyLimitBytes} bytes`,
      );
      return;
    }
    if (error.type === 'encoding.unsupported') {
      fail(
        res,
        415,
        ETHOCA_REASON_CODES.unsupportedMediaType,
        'content-encoding: send the body uncompressed',
      );
      return;
    }
    if (error.type === 'request.aborted') {
      req.log.warn('delivery aborted by the sender while its body was read');
      return;
    }
    next(error);
  };
  router.use(WEBHOOK_PATH, bodyErrors);
  return router;
}

type AlertValidation = { success: true; data: EthocaAlert } | { success: false; error: z.ZodError };

/**
 * The contract's validation, then what the database adds: a NUL character or an unpaired surrogate
 * anywhere in the alert makes it a FAILURE naming that field, rather than failing the transaction
 * of every alert in the delivery.
 */
function validateAlert(item: unknown): AlertValidation {
  const result = ethocaAlertSchema.safeParse(item);
  if (!result.success) return result;
  const path = findUnstorableText(result.data);
  if (path === undefined) return result;
  const message = 'contains a NUL character or an unpaired surrogate, which cannot be stored';
  return {
    success: false,
    error: new z.ZodError([{ code: 'custom', path, message, input: undefined }]),
  };
}

function hasAnyMode(options: DeliveryAuthOptions): boolean {
  return (
    options.mtls !== undefined || options.trustedProxy !== undefined || options.hmac !== undefined
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Strict UTF-8 (invalid bytes are an error, not U+FFFD) and a BOM tolerated, per RFC 8259. */
function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (raw.length === 0) return { ok: false, reason: 'body: empty' };
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, reason: 'body: not valid UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      reason: `body: not valid JSON (${error instanceof SyntaxError ? error.message : 'parse error'})`,
    };
  }
}
