/** The service's case API: file Mastercom cases, act on them, attach documents. */
import * as z from 'zod';
import { alertIdSchema } from './ethoca-alert.js';
import { caseActionSchema, caseTypeSchema } from './mastercom.js';

export {
  createCaseRequestSchema as caseCreateRequestSchema,
  updateCaseRequestSchema as caseActionRequestSchema,
} from './mastercom.js';

export const CASE_STATUSES = ['FILED', 'OPEN', 'CLOSED', 'WITHDRAWN'] as const;

export const caseRecordSchema = z
  .object({
    caseId: z.string().min(1),
    caseType: caseTypeSchema,
    status: z.enum(CASE_STATUSES),
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

/**
 * `POST /api/v6/cases/{caseId}/documents`. The file name limit is Mastercom's (16 characters), so
 * an accepted upload can always be forwarded; the content limit is Mastercom's base64 limit.
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

export const caseDocumentSchema = z
  .object({
    documentId: z.string().min(1),
    caseId: z.string().min(1),
    filename: z.string(),
    sizeBytes: z.int().nonnegative(),
    uploadedAt: z.iso.datetime(),
    forwardedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'CaseDocument' });
export type CaseDocument = z.infer<typeof caseDocumentSchema>;

export const caseDocumentListSchema = z
  .object({ items: z.array(caseDocumentSchema) })
  .meta({ id: 'CaseDocumentList' });
