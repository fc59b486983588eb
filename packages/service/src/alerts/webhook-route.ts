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
import type { IncomingMessage, ServerResponse } from 'node:http';
import typeis from 'type-is';
import * as z from 'zod';
import { JsonSyntaxError, parseJsonMaskingCards } from '../platform/security/card-masking.js';
import { isTransientDatabaseError } from '../platform/database/database-errors.js';
import type { DirectRoute } from '../platform/http/direct-route.js';
import { readBodyBounded, type RequestBodyError } from '../platform/http/read-request-body.js';
import { sendJson } from '../platform/http/send-json.js';
import type { Metrics } from '../platform/observability/metrics.js';
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
  /**
   * Deliveries worked on at once. Past it the receiver answers 503 with Retry-After before reading
   * the body: an overloaded receiver that queued every delivery would answer each later and
   * later, past the sender's timeout and the shutdown grace, while a prompt 503 is retried.
   */
  maxInFlight: number;
  metrics: Metrics;
  stats: WebhookStats;
}

/**
 * `POST /api/v6/webhooks/ethoca`, the Ethoca Push receiver, the app's first route on Node's own
 * request and response (see platform/http/direct-route.ts). Order of checks: method (405), media
 * type (415), size while reading (413), authentication on the exact bytes (401), JSON and
 * delivery shape (400), then per-alert validation. Valid alerts are stored and enqueued in one
 * transaction and acknowledged only after it commits; if the database cannot be reached, nothing
 * is acknowledged. An error it cannot answer goes to the app's last-resort handler.
 */
export function ethocaWebhookRoute(deps: WebhookDeps): DirectRoute {
  const fail = (
    res: ServerResponse,
    status: number,
    reasonCode: string,
    description: string,
    recoverable = false,
  ) => {
    deps.stats.record({ accepted: 0, duplicate: 0, rejected: 1 });
    deps.metrics.increment('webhook.rejected', 1, [`reason:${reasonCode.toLowerCase()}`]);
    sendJson(
      res,
      status,
      ethocaErrorEnvelope([
        ethocaErrorItem({ source: ALERTS_DELIVERY_SOURCE, reasonCode, description, recoverable }),
      ]),
    );
  };

  /** The bounded reader's refusals, each answered in Ethoca's envelope. */
  const refuseBody = (req: IncomingMessage, res: ServerResponse, error: RequestBodyError) => {
    if (error.type === 'entity.too.large') {
      // The rest of an oversized body is not kept; the reader reads on for a bounded while so the
      // sender can see this answer, then closes.
      res.setHeader('Connection', 'close');
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
    req.log.warn('delivery aborted by the sender while its body was read');
  };

  const receive = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const started = performance.now();
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

    const delivery = parseDelivery(raw, deps.maxAlertsPerDelivery);
    if (!delivery.ok) {
      fail(res, 400, ETHOCA_REASON_CODES.validation, delivery.reason);
      return;
    }
    const { parsed, valid } = delivery;

    let results: IngestResult[];
    try {
      results = await deps.ingest(valid);
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      req.log.error({ err: error }, 'database unavailable: delivery not acknowledged');
      deps.metrics.increment('webhook.unavailable');
      askToDeliverAgain(res, 'alerts could not be stored; nothing was acknowledged, deliver again');
      return;
    }

    const duplicates = results.filter((result) => result.duplicate).length;
    const rejected = parsed.length - valid.length;
    const counts = { accepted: results.length - duplicates, duplicate: duplicates, rejected };
    deps.stats.record(counts);
    deps.metrics.increment('webhook.received', parsed.length);
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
    sendJson(res, 200, acknowledgement);
    deps.metrics.histogram('webhook.ack_latency', performance.now() - started);
    if (rejected > 0 || duplicates > 0) req.log.info(counts, 'delivery acknowledged');
  };

  const handle: DirectRoute['handle'] = (req, res, next) => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      fail(res, 405, 'METHOD_NOT_ALLOWED', 'method: the webhook accepts POST only');
      return;
    }
    // Admission: a delivery over the in-flight limit is marked here and answered 503 once its body
    // has been read (below), not before: a keep-alive sender reuses the connection after the
    // answer, and a body left unread on it would break the sender's next request.
    const overCapacity = deps.stats.inFlight >= deps.maxInFlight;
    if (!overCapacity) {
      deps.stats.inFlight += 1;
      res.once('close', () => {
        deps.stats.inFlight -= 1;
      });
    }
    // type-is is what Express's `req.is` calls: null without a body, false for another type.
    const type = typeis(req, ['application/json']);
    if (type === null) {
      fail(res, 400, ETHOCA_REASON_CODES.validation, 'body: a delivery needs a JSON body');
      return;
    }
    const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (type === false || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
      fail(
        res,
        415,
        ETHOCA_REASON_CODES.unsupportedMediaType,
        'content-type: must be application/json (UTF-8)',
      );
      return;
    }
    // Reads the exact bytes (the HMAC is over them) and stops at the limit: a Content-Length over
    // it is refused before reading, a chunked body as soon as it passes it.
    readBodyBounded(req, deps.bodyLimitBytes, (error, raw) => {
      if (error !== undefined) {
        refuseBody(req, res, error);
        return;
      }
      if (overCapacity) {
        deps.stats.shed += 1;
        deps.metrics.increment('webhook.shed');
        // Not a rejection of the delivery (it is not counted as one): the sender is asked to come
        // back, exactly as when the database is unavailable.
        askToDeliverAgain(
          res,
          `the receiver is at capacity (${String(deps.maxInFlight)} deliveries in progress); nothing was acknowledged, deliver again`,
        );
        return;
      }
      receive(req, res, raw).catch(next);
    });
  };

  return { path: WEBHOOK_PATH, handle };
}

const CHARSET = /;\s*charset="?([^";\s]+)/i;

/** 503 with Retry-After and a recoverable envelope item: nothing was stored, Ethoca retries. */
function askToDeliverAgain(res: ServerResponse, description: string): void {
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  sendJson(
    res,
    503,
    ethocaErrorEnvelope([
      ethocaErrorItem({
        source: ALERTS_DELIVERY_SOURCE,
        reasonCode: ETHOCA_REASON_CODES.unavailable,
        description,
        recoverable: true,
      }),
    ]),
  );
}

/** What the route makes of a delivery's authenticated bytes before anything is stored. */
export type ParsedDelivery =
  | { ok: false; reason: string }
  | {
      ok: true;
      /** Every delivered item with its validation, in delivery order. */
      parsed: { item: unknown; result: AlertValidation }[];
      /** The valid alerts, normalised (card number reduced, other card numbers masked). */
      valid: AlertToStore[];
    };

/**
 * The route's whole parse path after authentication: strict UTF-8 JSON with every card number
 * masked (a full `cardNumber` keeps its BIN and last 4, which is all that is stored), depth,
 * delivery shape, alert count, per-alert validation and normalisation. Pure and synchronous, so
 * the hostile-input campaign can run it tens of thousands of times without HTTP in between.
 */
export function parseDelivery(raw: Buffer, maxAlertsPerDelivery: number): ParsedDelivery {
  const body = parseJson(raw);
  if (!body.ok) return body;
  if (exceedsDepth(body.value, MAX_DELIVERY_DEPTH)) {
    return { ok: false, reason: `body: nested deeper than ${MAX_DELIVERY_DEPTH} levels` };
  }
  const delivery = splitAlertDelivery(body.value);
  if (!delivery.ok) return { ok: false, reason: delivery.reason };
  if (delivery.alerts.length > maxAlertsPerDelivery) {
    return {
      ok: false,
      reason: `alerts: at most ${maxAlertsPerDelivery} alerts per delivery, got ${delivery.alerts.length}`,
    };
  }
  const parsed = delivery.alerts.map((item) => ({ item, result: validateAlert(item) }));
  const valid = parsed.flatMap(({ result }) =>
    result.success ? [normalizeAlert(result.data)] : [],
  );
  return { ok: true, parsed, valid };
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

/** The service's one JSON parser (strict UTF-8, card numbers masked), as a result. */
function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: parseJsonMaskingCards(raw) };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { ok: false, reason: `body: ${error.message}` };
  }
}
