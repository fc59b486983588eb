/**
 * The OpenAPI 3.1 document of the service's own API, generated from the zod schemas in this
 * package. `pnpm --filter @mastercom/contracts generate:openapi` writes it to openapi/openapi.json;
 * a test fails when the committed file and this function disagree.
 */
import * as z from 'zod';
import { createDocument, type ZodOpenApiResponseObject } from 'zod-openapi';
import { alertAcknowledgementSchema } from './acknowledgement.js';
import { alertDeliverySchema } from './alert-delivery.js';
import { alertIdSchema } from './ethoca-alert.js';
import { ethocaErrorEnvelopeSchema } from './ethoca-error.js';
import { PROBLEM_CONTENT_TYPE, problemDetailsSchema } from './problem-details.js';
import {
  alertListQuerySchema,
  alertListResponseSchema,
  manualOutcomeRequestSchema,
  manualOutcomeResponseSchema,
  storedAlertDetailSchema,
} from './service-alerts.js';
import {
  caseActionRequestSchema,
  caseCreateRequestSchema,
  caseDocumentListSchema,
  caseDocumentSchema,
  caseDocumentUploadSchema,
  caseRecordSchema,
} from './service-cases.js';
import {
  transactionImportRequestSchema,
  transactionImportResponseSchema,
} from './service-transactions.js';
import { ethocaWebhookHealthSchema, healthResponseSchema } from './service-health.js';

/** Version of the API described; bump it with any change to the document. */
export const API_VERSION = '0.1.0';

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

const problem = (description: string): ZodOpenApiResponseObject => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: problemDetailsSchema } },
});

const ethocaError = (description: string): ZodOpenApiResponseObject => ({
  description,
  content: json(ethocaErrorEnvelopeSchema),
});

const bearer = [{ bearerAuth: [] }];

const alertIdPath = z.object({ alertId: alertIdSchema });
const caseIdPath = z.object({
  caseId: z
    .string()
    .min(1)
    .meta({ description: 'Mastercom case id', examples: ['536092'] }),
});

/** The generated document; typed as zod-openapi builds it. */
export type OpenApiDocument = ReturnType<typeof createDocument>;

export function createOpenApiDocument(): OpenApiDocument {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'mastercom-service',
      version: API_VERSION,
      description:
        'Receives Ethoca alerts, reports outcomes to Ethoca and works Mastercom chargebacks and cases.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'Local development' }],
    tags: [
      { name: 'webhook', description: 'Ethoca Push deliveries' },
      { name: 'health', description: 'Liveness and readiness' },
      { name: 'alerts', description: 'Stored alerts and their outcomes' },
      { name: 'cases', description: 'Mastercom case filing and documents' },
    ],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Operator access token' },
        ethocaMutualTls: {
          type: 'mutualTLS',
          description:
            'Ethoca authenticates with a client certificate (MSSL); TLS ends at the edge, which forwards the verified identity.',
        },
      },
    },
    paths: {
      '/api/v6/webhooks/ethoca': {
        post: {
          operationId: 'receiveEthocaAlerts',
          tags: ['webhook'],
          summary: 'Receive one Ethoca alert delivery',
          description:
            'Acknowledges each alert in the delivery, in order, after it is stored. Alerts that fail validation get a FAILURE entry naming the field; the others are still accepted.',
          security: [{ ethocaMutualTls: [] }],
          requestBody: { required: true, content: json(alertDeliverySchema) },
          responses: {
            '200': {
              description: 'One acknowledgement per alert',
              content: json(alertAcknowledgementSchema),
            },
            '400': ethocaError(
              'The body is not a delivery (not JSON, not an object, empty alerts)',
            ),
            '401': ethocaError('The delivery did not authenticate'),
            '413': ethocaError('The body or the number of alerts is over the configured limit'),
            '415': ethocaError('The body is not application/json'),
            '503': {
              description: 'Alerts cannot be stored right now; Ethoca should retry',
              headers: z.object({
                'Retry-After': z.string().meta({ description: 'Seconds to wait', examples: ['5'] }),
              }),
              content: json(ethocaErrorEnvelopeSchema),
            },
          },
        },
      },
      '/__ops/ping': {
        get: {
          operationId: 'ping',
          tags: ['health'],
          summary: 'Liveness: answers without touching any dependency',
          security: [],
          responses: {
            '200': {
              description: 'The process is up',
              content: { 'text/plain': { schema: z.literal('pong') } },
            },
            '500': problem('The process cannot answer'),
          },
        },
      },
      '/health': {
        get: {
          operationId: 'getHealth',
          tags: ['health'],
          summary: 'Readiness: database and queue checks',
          security: [],
          responses: {
            '200': { description: 'ok or degraded', content: json(healthResponseSchema) },
            '503': { description: 'unavailable', content: json(healthResponseSchema) },
          },
        },
      },
      '/api/v6/webhooks/ethoca/health': {
        get: {
          operationId: 'getEthocaWebhookHealth',
          tags: ['health'],
          summary: 'Alert intake: counts, backlog and deadline buckets',
          security: [],
          responses: {
            '200': { description: 'Intake state', content: json(ethocaWebhookHealthSchema) },
            '503': { description: 'Intake unavailable', content: json(ethocaWebhookHealthSchema) },
          },
        },
      },
      '/api/v6/alerts': {
        get: {
          operationId: 'listAlerts',
          tags: ['alerts'],
          summary: 'List stored alerts, newest first',
          security: bearer,
          requestParams: { query: alertListQuerySchema },
          responses: {
            '200': { description: 'One page of alerts', content: json(alertListResponseSchema) },
            '400': problem('A query parameter is invalid'),
            '401': problem('Missing or invalid token'),
          },
        },
      },
      '/api/v6/alerts/{alertId}': {
        get: {
          operationId: 'getAlert',
          tags: ['alerts'],
          summary: 'One alert with its status history',
          security: bearer,
          requestParams: { path: alertIdPath },
          responses: {
            '200': { description: 'The alert', content: json(storedAlertDetailSchema) },
            '401': problem('Missing or invalid token'),
            '404': problem('No alert with this id'),
          },
        },
      },
      '/api/v6/alerts/{alertId}/outcome': {
        post: {
          operationId: 'submitManualOutcome',
          tags: ['alerts'],
          summary: 'Record the outcome of an alert by hand',
          description:
            'Queues the outcome for the Outcome API. An alert gets one final outcome: a second submission is a conflict.',
          security: bearer,
          requestParams: { path: alertIdPath },
          requestBody: { required: true, content: json(manualOutcomeRequestSchema) },
          responses: {
            '202': { description: 'Outcome queued', content: json(manualOutcomeResponseSchema) },
            '400': problem('The outcome is invalid or does not apply to this alert type'),
            '401': problem('Missing or invalid token'),
            '404': problem('No alert with this id'),
            '409': problem('The alert already has a final outcome'),
          },
        },
      },
      '/api/v6/transactions': {
        post: {
          operationId: 'importTransactions',
          tags: ['alerts'],
          summary: 'Add or update merchant transactions that alerts are matched against',
          description: 'Upserts by transactionId, in one transaction: all rows are stored or none.',
          security: bearer,
          requestBody: { required: true, content: json(transactionImportRequestSchema) },
          responses: {
            '200': { description: 'Stored', content: json(transactionImportResponseSchema) },
            '400': problem('A transaction is invalid; errors name the field'),
            '401': problem('Missing or invalid token'),
          },
        },
      },
      '/api/v6/cases': {
        post: {
          operationId: 'createCase',
          tags: ['cases'],
          summary: 'File a Mastercom case',
          security: bearer,
          requestBody: { required: true, content: json(caseCreateRequestSchema) },
          responses: {
            '201': { description: 'Case filed', content: json(caseRecordSchema) },
            '400': problem('The case request is invalid'),
            '401': problem('Missing or invalid token'),
            '502': problem('Mastercom rejected or did not answer the filing'),
          },
        },
      },
      '/api/v6/cases/{caseId}': {
        get: {
          operationId: 'getCase',
          tags: ['cases'],
          summary: 'One case',
          security: bearer,
          requestParams: { path: caseIdPath },
          responses: {
            '200': { description: 'The case', content: json(caseRecordSchema) },
            '401': problem('Missing or invalid token'),
            '404': problem('No case with this id'),
          },
        },
        put: {
          operationId: 'actOnCase',
          tags: ['cases'],
          summary: 'Accept, reject, rebut, escalate or withdraw a case',
          security: bearer,
          requestParams: { path: caseIdPath },
          requestBody: { required: true, content: json(caseActionRequestSchema) },
          responses: {
            '200': { description: 'The updated case', content: json(caseRecordSchema) },
            '400': problem('The action is invalid'),
            '401': problem('Missing or invalid token'),
            '404': problem('No case with this id'),
            '502': problem('Mastercom rejected or did not answer the action'),
          },
        },
      },
      '/api/v6/cases/{caseId}/documents': {
        get: {
          operationId: 'listCaseDocuments',
          tags: ['cases'],
          summary: 'Documents attached to a case',
          security: bearer,
          requestParams: { path: caseIdPath },
          responses: {
            '200': { description: 'The documents', content: json(caseDocumentListSchema) },
            '401': problem('Missing or invalid token'),
            '404': problem('No case with this id'),
          },
        },
        post: {
          operationId: 'uploadCaseDocument',
          tags: ['cases'],
          summary: 'Attach a document to a case',
          security: bearer,
          requestParams: { path: caseIdPath },
          requestBody: { required: true, content: json(caseDocumentUploadSchema) },
          responses: {
            '201': { description: 'Document stored', content: json(caseDocumentSchema) },
            '400': problem('The document is invalid'),
            '401': problem('Missing or invalid token'),
            '404': problem('No case with this id'),
            '413': problem('The document is over the size limit'),
          },
        },
      },
    },
  });
}

/** The document as written to openapi/openapi.json: two-space JSON with a final newline. */
export function serializeOpenApiDocument(document: OpenApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
