/** The service's case API: file Mastercom cases, act on them, attach documents. */
import * as z from 'zod';
import { alertIdSchema } from './ethoca-alert.js';
import { caseActionSchema, caseTypeSchema, updateCaseRequestSchema } from './mastercom.js';

export { createCaseRequestSchema as caseCreateRequestSchema } from './mastercom.js';

export const CASE_STATUSES = ['FILED', 'OPEN', 'CLOSED', 'WITHDRAWN'] as const;
export const caseStatusSchema = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

export const caseRecordSchema = z
  .object({
    caseId: z.string().min(1),
    caseType: caseTypeSchema,
    status: caseStatusSchema,
    filingAs: z.enum(['I', 'A']),
    claimId: z.string().nullable(),
    alertId: alertIdSchema.nullable(),
    disputeAmount: z.string(),
    currencyCode: z.string(),
    lastAction: caseActionSchema.nullable(),
    rulingStatus: z
      .string()
      .nullable()
      .meta({ description: 'Mastercom ruling (Favor Sender, Declined, …) once there is one' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Case' });
export type CaseRecord = z.infer<typeof caseRecordSchema>;

export const caseEventSchema = z
  .object({
    at: z.iso.datetime(),
    action: z.union([z.literal('FILE'), caseActionSchema]),
    fromStatus: caseStatusSchema.nullable(),
    toStatus: caseStatusSchema,
    memo: z.string(),
    documentId: z.string().nullable(),
  })
  .meta({ id: 'CaseEvent' });
export type CaseEvent = z.infer<typeof caseEventSchema>;

/** One case with the filing reference sent to Mastercom and every action taken on it. */
export const caseDetailSchema = caseRecordSchema
  .extend({
    customerFilingNumber: z.string().meta({
      description: 'The reference sent with the filing, by which it is found again after a timeout',
    }),
    history: z.array(caseEventSchema),
  })
  .meta({ id: 'CaseDetail' });
export type CaseDetail = z.infer<typeof caseDetailSchema>;

export const caseListQuerySchema = z
  .object({
    status: caseStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .meta({ id: 'CaseListQuery' });

export const caseListResponseSchema = z
  .object({ items: z.array(caseRecordSchema) })
  .meta({ id: 'CaseList' });
export type CaseListResponse = z.infer<typeof caseListResponseSchema>;

/**
 * `PUT /api/v6/cases/{caseId}`: Mastercom's case action, optionally with a document stored
 * beforehand through the documents API (`documentId`) instead of inline base64.
 */
export const caseActionRequestSchema = updateCaseRequestSchema
  .extend({ documentId: z.uuid().optional() })
  .superRefine((request, ctx) => {
    if (request.documentId !== undefined && request.fileAttachment !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['documentId'],
        message: 'give either documentId or fileAttachment, not both',
      });
    }
  })
  .meta({ id: 'CaseActionRequest' });
export type CaseActionRequest = z.infer<typeof caseActionRequestSchema>;

/**
 * `POST /api/v6/cases/{caseId}/documents` as JSON. The file name limit is Mastercom's (16
 * characters), so an accepted upload can always be forwarded; the content limit is Mastercom's
 * base64 limit.
 */
export const caseDocumentUploadSchema = z
  .object({
    filename: z.string().min(1).max(16),
    contentBase64: z
      .string()
      .min(1)
      .max(22_000_000)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
    memo: z.string().min(1).max(13_000).optional(),
  })
  .meta({ id: 'CaseDocumentUpload' });
export type CaseDocumentUpload = z.infer<typeof caseDocumentUploadSchema>;

/** The only document types Mastercom takes; recognised by their first bytes, not their name. */
export const DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/tiff', 'image/jpeg'] as const;

/** Mastercom takes at most 22,000,000 base64 characters per document: 16,500,000 bytes. */
export const DOCUMENT_MAX_BYTES = 16_500_000;

/** Multipart form of `POST /api/v6/documents`: exactly one of caseId and chargebackId. */
export const documentUploadFormSchema = z
  .object({
    caseId: z.string().min(1).optional(),
    chargebackId: z.string().min(1).optional(),
    memo: z.string().min(1).max(13_000).optional(),
    file: z.string().meta({ format: 'binary', description: 'A PDF, TIFF or JPEG file' }),
  })
  .meta({ id: 'DocumentUploadForm' });

/** A stored document; `forwardedAt` is set once it has been sent to Mastercom. */
export const documentSchema = z
  .object({
    documentId: z.uuid(),
    caseId: z.string().nullable(),
    claimId: z.string().nullable(),
    chargebackId: z.string().nullable(),
    filename: z.string(),
    mastercomFilename: z.string().min(1).max(16),
    contentType: z.enum(DOCUMENT_CONTENT_TYPES),
    sizeBytes: z.int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    memo: z.string().nullable(),
    uploadedAt: z.iso.datetime(),
    forwardedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Document' });
export type StoredDocument = z.infer<typeof documentSchema>;

export const documentListSchema = z
  .object({ items: z.array(documentSchema) })
  .meta({ id: 'DocumentList' });

export const documentListQuerySchema = z
  .object({
    caseId: z.string().min(1).optional(),
    chargebackId: z.string().min(1).optional(),
  })
  .meta({ id: 'DocumentListQuery' });

/** `POST /api/v6/documents/{documentId}/submit` for a chargeback document. */
export const documentSubmitRequestSchema = z
  .object({ memo: z.string().min(1).max(13_000) })
  .meta({ id: 'DocumentSubmitRequest' });
