/**
 * The OpenAPI 3.1 document of the service's own API, generated from the zod schemas in this
 * package. `pnpm --filter @mastercom/contracts generate:openapi` writes it to openapi/openapi.json;
 * a test fails when the committed file and this function disagree.
 */
import * as z from 'zod';
import { createDocument, type ZodOpenApiResponseObject } from 'zod-openapi';
import { alertAcknowledgementSchema } from './acknowledgement.js';
import { alertDeliverySchema } from './alert-delivery.js';
import { deskAlertSchema, deskSessionSchema } from './desk-alert.js';
import { deskQueueQuerySchema, deskQueueResponseSchema } from './desk-queue.js';
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
  caseDetailSchema,
  caseDocumentUploadSchema,
  caseListQuerySchema,
  caseListResponseSchema,
  documentListQuerySchema,
  documentListSchema,
  documentSchema,
  documentSubmitRequestSchema,
  documentUploadFormSchema,
} from './service-cases.js';
import {
  transactionImportRequestSchema,
  transactionImportResponseSchema,
} from './service-transactions.js';
import { ethocaWebhookHealthSchema, healthResponseSchema } from './service-health.js';

/** Version of the API described; bump it with any change to the document. */
export const API_VERSION = '0.2.0';

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
const documentIdPath = z.object({
  documentId: z.uuid().meta({ description: 'Document id given at upload' }),
});
const multipart = (schema: z.ZodType) => ({ 'multipart/form-data': { schema } });
const documentUploadResponses = {
  '201': { description: 'Document stored', content: json(documentSchema) },
  '400': problem('The form or the document is invalid'),
  '401': problem('Missing or invalid token'),
  '404': problem('No case or chargeback with this id'),
  '413': problem('The document is over the size limit'),
  '415': problem('The document is not a PDF, TIFF or JPEG (judged by its content)'),
};
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
      '/api/v6/desk/queue': {
        get: {
          operationId: 'deskQueue',
          tags: ['alerts'],
          summary: 'Alerts waiting for an agent, nearest deadline first',
          security: bearer,
          requestParams: { query: deskQueueQuerySchema },
          responses: {
            '200': { description: 'One page of the queue', content: json(deskQueueResponseSchema) },
            '400': problem('A query parameter is invalid'),
            '401': problem('Missing or invalid token'),
          },
        },
      },
      '/api/v6/desk/alerts/{alertId}': {
        get: {
          operationId: 'deskAlert',
          tags: ['alerts'],
          summary: 'One alert with everything an agent decides on',
          description:
            "The alert and its history, its deadline, the matched transaction, refunds, the outcome with Ethoca's answer, and the linked Mastercom claims, chargebacks and cases.",
          security: bearer,
          requestParams: { path: alertIdPath },
          responses: {
            '200': {
              description: 'The alert and what hangs on it',
              content: json(deskAlertSchema),
            },
            '401': problem('Missing or invalid token'),
            '403': problem('The token may not read alerts'),
            '404': problem('No alert with this id'),
          },
        },
      },
      '/api/v6/desk/session': {
        get: {
          operationId: 'deskSession',
          tags: ['alerts'],
          summary: "The presented token's role and whether it may decide",
          security: bearer,
          responses: {
            '200': { description: 'The token is known', content: json(deskSessionSchema) },
            '401': problem('Missing or invalid token'),
            '403': problem('The token may not read alerts'),
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
        get: {
          operationId: 'listCases',
          tags: ['cases'],
          summary: 'List filed cases, newest first',
          security: bearer,
          requestParams: { query: caseListQuerySchema },
          responses: {
            '200': { description: 'The cases', content: json(caseListResponseSchema) },
            '400': problem('A query parameter is invalid'),
            '401': problem('Missing or invalid token'),
          },
        },
        post: {
          operationId: 'createCase',
          tags: ['cases'],
          summary: 'File a Mastercom case',
          description:
            'Files the case in Mastercom with a customer filing number. When Mastercom does not answer in time, the filing is looked up by that number before it is sent again, so a case is never filed twice.',
          security: bearer,
          requestBody: { required: true, content: json(caseCreateRequestSchema) },
          responses: {
            '201': { description: 'Case filed', content: json(caseDetailSchema) },
            '400': problem('The case request is invalid'),
            '401': problem('Missing or invalid token'),
            '502': problem('Mastercom rejected or did not answer the filing'),
            '503': problem('Mastercom is not configured'),
            '504': problem(
              'Mastercom did not answer and the filing could not be looked up; check before filing again',
            ),
          },
        },
      },
      '/api/v6/cases/{caseId}': {
        get: {
          operationId: 'getCase',
          tags: ['cases'],
          summary: 'One case with its history',
          security: bearer,
          requestParams: { path: caseIdPath },
          responses: {
            '200': { description: 'The case', content: json(caseDetailSchema) },
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
            '200': { description: 'The updated case', content: json(caseDetailSchema) },
            '400': problem('The action is invalid'),
            '401': problem('Missing or invalid token'),
            '404': problem('No case (or document) with this id'),
            '409': problem('The case is closed or withdrawn, or the document was already sent'),
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
            '200': { description: 'The documents', content: json(documentListSchema) },
            '401': problem('Missing or invalid token'),
            '404': problem('No case with this id'),
          },
        },
        post: {
          operationId: 'uploadCaseDocument',
          tags: ['cases'],
          summary: 'Attach a document to a case',
          description:
            'The document is stored; it goes to Mastercom with the next case action that names it (PUT with documentId).',
          security: bearer,
          requestParams: { path: caseIdPath },
          requestBody: {
            required: true,
            content: {
              ...json(caseDocumentUploadSchema),
              ...multipart(documentUploadFormSchema.omit({ caseId: true, chargebackId: true })),
            },
          },
          responses: documentUploadResponses,
        },
      },
      '/api/v6/documents': {
        get: {
          operationId: 'listDocuments',
          tags: ['cases'],
          summary: 'Stored documents, by case or chargeback',
          security: bearer,
          requestParams: { query: documentListQuerySchema },
          responses: {
            '200': { description: 'The documents', content: json(documentListSchema) },
            '400': problem('A query parameter is invalid'),
            '401': problem('Missing or invalid token'),
          },
        },
        post: {
          operationId: 'uploadDocument',
          tags: ['cases'],
          summary: 'Store a document for a case or a chargeback',
          security: bearer,
          requestBody: { required: true, content: multipart(documentUploadFormSchema) },
          responses: documentUploadResponses,
        },
      },
      '/api/v6/documents/{documentId}': {
        get: {
          operationId: 'getDocument',
          tags: ['cases'],
          summary: 'One stored document',
          security: bearer,
          requestParams: { path: documentIdPath },
          responses: {
            '200': { description: 'The document', content: json(documentSchema) },
            '401': problem('Missing or invalid token'),
            '404': problem('No document with this id'),
          },
        },
        delete: {
          operationId: 'deleteDocument',
          tags: ['cases'],
          summary: 'Delete a document not yet sent to Mastercom',
          security: bearer,
          requestParams: { path: documentIdPath },
          responses: {
            '204': { description: 'Deleted' },
            '401': problem('Missing or invalid token'),
            '404': problem('No document with this id'),
            '409': problem('The document was already sent to Mastercom'),
          },
        },
      },
      '/api/v6/documents/{documentId}/content': {
        get: {
          operationId: 'getDocumentContent',
          tags: ['cases'],
          summary: 'The stored bytes of a document',
          security: bearer,
          requestParams: { path: documentIdPath },
          responses: {
            '200': {
              description: 'The file',
              content: {
                'application/pdf': { schema: z.string().meta({ format: 'binary' }) },
                'image/tiff': { schema: z.string().meta({ format: 'binary' }) },
                'image/jpeg': { schema: z.string().meta({ format: 'binary' }) },
              },
            },
            '401': problem('Missing or invalid token'),
            '404': problem('No document with this id'),
          },
        },
      },
      '/api/v6/documents/{documentId}/submit': {
        post: {
          operationId: 'submitDocument',
          tags: ['cases'],
          summary: "Send a chargeback's document to Mastercom",
          description:
            'Adds the document, base64 encoded, to the chargeback in Mastercom. Case documents go with a case action instead.',
          security: bearer,
          requestParams: { path: documentIdPath },
          requestBody: { required: true, content: json(documentSubmitRequestSchema) },
          responses: {
            '200': { description: 'Sent', content: json(documentSchema) },
            '400': problem('The request is invalid'),
            '401': problem('Missing or invalid token'),
            '404': problem('No document with this id'),
            '409': problem(
              'Already sent, a case document, or past the 8-day document window of the chargeback',
            ),
            '502': problem('Mastercom rejected or did not answer'),
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
