/**
 * The subset of Mastercom v6 (`/mastercom/v6/...`) the service uses: healthcheck, queues, claims,
 * chargeback acknowledgement, case filing and case documents (reference §3.3–3.6). Mastercom adds
 * fields over time, so response objects keep unknown keys; request objects, which we build, are
 * strict about what we send.
 */
import * as z from 'zod';

const numericId = (max: number) =>
  z.string().min(1).max(max).regex(/^\d+$/, 'must contain only digits');

/** `GET /v6/healthcheck` answers `{"status":"true"}`: a string, not a boolean. */
export const mastercomHealthcheckSchema = z.looseObject({ status: z.string() });

export const MASTERCOM_QUEUE_NAMES = [
  'Unworked',
  'Worked',
  'Pending',
  'Rejects',
  'Closed',
] as const;

/** `GET /v6/queues/names`. Names are kept open: Mastercom may list queues we do not work. */
export const mastercomQueueSchema = z.looseObject({
  queueName: z.string().min(1),
  queueDescription: z.string().optional(),
});
export const mastercomQueueNamesResponseSchema = z.array(mastercomQueueSchema);

/** Claim in a queue listing (`GET /v6/queues?queue-name=…`); its flags are real booleans. */
export const claimSummarySchema = z.looseObject({
  claimId: numericId(19),
  claimType: z.string().optional(),
  claimValue: z
    .string()
    .optional()
    .meta({ examples: ['25.00 USD'] }),
  acquirerId: z.string().optional(),
  acquirerRefNum: z.string().max(23).optional(),
  primaryAccountNum: z.string().max(19).optional(),
  issuerId: z.string().optional(),
  merchantId: z.string().optional(),
  createDate: z.string().optional(),
  dueDate: z.string().optional(),
  clearingDueDate: z.string().optional(),
  clearingNetwork: z.string().optional(),
  isOpen: z.boolean().optional(),
  isIssuer: z.boolean().optional(),
  isAcquirer: z.boolean().optional(),
  isAccurate: z.boolean().optional(),
  queueName: z.string().optional(),
  progressState: z
    .string()
    .optional()
    .meta({ examples: ['CB1-4807-O-A-NEW'] }),
  lastModifiedBy: z.string().optional(),
  lastModifiedDate: z.string().optional(),
});
export type ClaimSummary = z.infer<typeof claimSummarySchema>;
export const claimsInQueueResponseSchema = z.array(claimSummarySchema);

export const CHARGEBACK_TYPES = ['CHARGEBACK', 'SECOND_PRESENTMENT'] as const;

export const chargebackDetailsSchema = z.looseObject({
  chargebackId: numericId(19),
  claimId: numericId(19),
  chargebackType: z.enum(CHARGEBACK_TYPES),
  reasonCode: z.string().min(2).max(4),
  // eslint-disable-next-line security/detect-unsafe-regex -- every repetition consumes a digit; matching is linear
  amount: z.string().regex(/^\d+(?:\.\d+)?$/, 'must be a decimal string'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an alpha currency code'),
  createDate: z.string().optional(),
  chargebackRefNum: z.string().optional(),
  documentStatus: z.string().optional(),
  documentIndicator: z.string().optional(),
  messageText: z.string().max(100).optional(),
  isPartialChargeback: z.boolean().optional(),
  reversed: z.boolean().optional(),
  reversal: z.boolean().optional(),
  rejectReason: z.string().optional(),
  reconciliationAmount: z.string().optional(),
  reconciliationCurrency: z.string().optional(),
});
export type ChargebackDetails = z.infer<typeof chargebackDetailsSchema>;

/**
 * `GET /v6/claims/{claim-id}`. Unlike ClaimSummary, ClaimDetail writes its flags as the strings
 * "true"/"false", so they are typed that way here rather than coerced.
 */
const stringFlag = z.enum(['true', 'false']);
export const claimDetailSchema = z.looseObject({
  claimId: numericId(19),
  claimType: z.string().optional(),
  claimValue: z.string().optional(),
  acquirerId: z.string().optional(),
  acquirerRefNum: z.string().max(23).optional(),
  primaryAccountNum: z.string().max(19).optional(),
  issuerId: z.string().optional(),
  merchantId: z.string().optional(),
  createDate: z.string().optional(),
  dueDate: z.string().optional(),
  clearingDueDate: z.string().optional(),
  clearingNetwork: z.string().optional(),
  isOpen: stringFlag.optional(),
  isIssuer: stringFlag.optional(),
  isAcquirer: stringFlag.optional(),
  isAccurate: stringFlag.optional(),
  queueName: z.string().optional(),
  progressState: z.string().optional(),
  lastModifiedBy: z.string().optional(),
  lastModifiedDate: z.string().optional(),
  chargebackDetails: z.array(chargebackDetailsSchema).default([]),
  retrievalDetails: z.unknown().optional(),
  feeDetails: z.array(z.unknown()).optional(),
  caseFilingDetails: z
    .looseObject({
      claimId: z.string().optional(),
      caseId: z.string().optional(),
      caseType: z.string().optional(),
      chargebackRefNum: z.array(z.string()).optional(),
      customerFilingNumber: z.string().optional(),
      rulingStatus: z.string().optional(),
      rulingDate: z.string().optional(),
    })
    .optional(),
});
export type ClaimDetail = z.infer<typeof claimDetailSchema>;

/** Mastercom asks for no more than this many claims per page of a date-interval queue read. */
export const MAX_CLAIMS_PER_QUEUE_PAGE = 2000;

/** Queue reads by date interval give an exact page count only for ranges of at most 5 days. */
export const MAX_QUEUE_INTERVAL_DAYS = 5;

/** `yyyy-MM-ddTHH:mm`, the minute-resolution timestamps of queue reads by date interval. */
export const mastercomMinuteSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be yyyy-MM-ddTHH:mm');

/**
 * `POST /v6/queues`: the claims of one queue whose last modification falls in an interval, one
 * page at a time. Mastercom recommends it over the plain GET for large queues.
 */
export const queueContentRequestSchema = z.object({
  queueName: z.string().min(1).max(30),
  lastModifiedDateFrom: mastercomMinuteSchema,
  lastModifiedDateTo: mastercomMinuteSchema,
  pageNb: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'must be a page number from 1 to 999')
    .optional(),
});
export type QueueContentRequest = z.infer<typeof queueContentRequestSchema>;

/** The answer to `POST /v6/queues`; `pageCount` is a string, as Mastercom writes it. */
export const queueContentResponseSchema = z.looseObject({
  pageCount: z.string().regex(/^\d+$/).optional(),
  claimList: z.array(claimSummarySchema).default([]),
});
export type QueueContentResponse = z.infer<typeof queueContentResponseSchema>;

/** Mastercom asks for at most 100 acknowledgements per request (its hard list limit is 2,000). */
export const MAX_ACKNOWLEDGEMENTS_PER_REQUEST = 100;

/** `PUT /v6/chargebacks/acknowledge`: moves claims from Unworked to Worked. */
export const chargebackAcknowledgeRequestSchema = z.object({
  chargebackList: z
    .array(z.object({ claimId: numericId(19), chargebackId: numericId(19) }))
    .min(1)
    .max(MAX_ACKNOWLEDGEMENTS_PER_REQUEST),
});
export type ChargebackAcknowledgeRequest = z.infer<typeof chargebackAcknowledgeRequestSchema>;

export const chargebackAcknowledgeResponseSchema = z.looseObject({
  chargebackResponseList: z
    .array(
      z.looseObject({
        chargebackId: z.string().optional(),
        status: z.string().optional(),
        failureReason: z.string().optional(),
      }),
    )
    .optional(),
});

/** A document as Mastercom carries it: a short file name and base64 content. */
export const fileAttachmentSchema = z.object({
  filename: z.string().min(1).max(16),
  file: z
    .string()
    .min(1)
    .max(22_000_000)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
});

export const CASE_TYPES = ['1', '2', '3', '4'] as const;
/** 1 pre-arbitration, 2 arbitration, 3 pre-compliance, 4 compliance. */
export const caseTypeSchema = z.enum(CASE_TYPES).meta({ id: 'CaseType' });

const mastercomDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be yyyy-MM-dd');

/** `POST /v6/cases`. Which of the conditional fields apply depends on caseType; see the refinement. */
export const createCaseRequestSchema = z
  .object({
    caseType: caseTypeSchema,
    chargebackRefNum: z.array(numericId(10)).min(1).optional(),
    customerFilingNumber: z
      .string()
      .regex(/^\d{0,15}$/)
      .optional(),
    disputeAmount: z.string().regex(
      // eslint-disable-next-line security/detect-unsafe-regex -- every repetition consumes a digit; matching is linear
      /^\d{1,10}(?:\.\d{1,2})?$/,
      'must be a decimal with up to 10 integer and 2 decimal digits',
    ),
    currencyCode: z.string().regex(/^[A-Z]{3}$/, 'must be an alpha currency code'),
    dueDate: mastercomDate.optional(),
    filingAs: z.enum(['I', 'A']),
    filingIca: numericId(11),
    filedAgainstIca: numericId(11),
    memo: z.string().min(1).max(13_000),
    messageText: z.string().min(1).max(100).optional(),
    primaryAccountNum: numericId(19).optional(),
    acquirerRefNum: numericId(23).optional(),
    chargebackReasonCode: z
      .string()
      .regex(/^\d{2,4}$/, 'must be 2–4 digits')
      .optional(),
    merchantName: z.string().max(100).optional(),
    violationCode: z.string().min(1).max(20).optional(),
    violationDate: mastercomDate.optional(),
    fileAttachment: fileAttachmentSchema.optional(),
  })
  .superRefine((request, ctx) => {
    const arbitration = request.caseType === '1' || request.caseType === '2';
    if (!request.chargebackRefNum && !request.primaryAccountNum) {
      ctx.addIssue({
        code: 'custom',
        path: ['chargebackRefNum'],
        message: 'is required unless primaryAccountNum is given',
      });
    }
    if (request.primaryAccountNum && !request.acquirerRefNum) {
      ctx.addIssue({
        code: 'custom',
        path: ['acquirerRefNum'],
        message: 'is required when the case is filed by primaryAccountNum',
      });
    }
    if (arbitration && request.chargebackRefNum && request.chargebackRefNum.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['chargebackRefNum'],
        message: 'takes exactly one chargeback for pre-arbitration and arbitration cases',
      });
    }
    if (arbitration && !request.chargebackReasonCode) {
      ctx.addIssue({
        code: 'custom',
        path: ['chargebackReasonCode'],
        message: 'is required for pre-arbitration and arbitration cases',
      });
    }
    if (!arbitration && !request.violationCode) {
      ctx.addIssue({
        code: 'custom',
        path: ['violationCode'],
        message: 'is required for pre-compliance and compliance cases',
      });
    }
    if (!arbitration && !request.violationDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['violationDate'],
        message: 'is required for pre-compliance and compliance cases',
      });
    }
  })
  .meta({ id: 'CreateCaseRequest', description: 'Mastercom v6 case filing request' });
export type CreateCaseRequest = z.infer<typeof createCaseRequestSchema>;

export const createCaseResponseSchema = z.looseObject({ caseId: numericId(19) });

/**
 * `PUT /v6/cases/{case-id}`. Mastercom also has DOC_RETRY (resend a failed document); the service
 * does not use it, so it is not offered here.
 */
export const CASE_ACTIONS = ['ACCEPT', 'REJECT', 'REBUT', 'ESCALATE', 'WITHDRAW'] as const;
export const caseActionSchema = z.enum(CASE_ACTIONS).meta({ id: 'CaseAction' });
export type CaseAction = z.infer<typeof caseActionSchema>;

export const updateCaseRequestSchema = z.object({
  action: caseActionSchema,
  memo: z.string().min(1).max(13_000),
  fileAttachment: fileAttachmentSchema.optional(),
});
export type UpdateCaseRequest = z.infer<typeof updateCaseRequestSchema>;

/** `PUT /v6/claims/{claim-id}/chargebacks/{chargeback-id}`: adds a memo and documents. */
export const updateChargebackRequestSchema = z.object({
  memo: z.string().min(1).max(13_000),
  fileAttachment: fileAttachmentSchema.optional(),
});
export type UpdateChargebackRequest = z.infer<typeof updateChargebackRequestSchema>;

export const updateChargebackResponseSchema = z.looseObject({
  chargebackId: z.string().optional(),
});

/** Documents of a chargeback may be added only within this many days of its creation. */
export const CHARGEBACK_DOCUMENT_WINDOW_DAYS = 8;

/** `GET /v6/cases/{case-id}/documents`. */
export const caseDocumentsResponseSchema = z.looseObject({
  caseId: z.string().optional(),
  fileAttachment: fileAttachmentSchema,
});

const nameValueSchema = z.looseObject({ Name: z.string(), Value: z.string() });

/** Mastercom v6 spec: `{"Errors":[Error]}` with `Details` as name/value pairs. */
export const mastercomV6ErrorEnvelopeSchema = z.object({
  Errors: z.array(
    z.looseObject({
      RequestId: z.string().optional(),
      Source: z.string(),
      ReasonCode: z.string(),
      Description: z.string().optional(),
      Recoverable: z.boolean().optional(),
      Details: z
        .union([z.array(nameValueSchema), z.string()])
        .nullable()
        .optional(),
    }),
  ),
});

/** Mastercard gateway (auth failures, 429): `{"Errors":{"Error":[…]}}` with `Details` as text. */
/** One gateway error item; the envelope carries a list of them, or a lone one (see below). */
const gatewayErrorItemSchema = z.looseObject({
  RequestId: z.string().optional(),
  Source: z.string(),
  ReasonCode: z.string(),
  Description: z.string().optional(),
  Recoverable: z.boolean().optional(),
  // The gateway writes `"Details": null` when it has none.
  Details: z
    .union([z.string(), z.array(nameValueSchema)])
    .nullable()
    .optional(),
});

export const mastercardGatewayErrorEnvelopeSchema = z.object({
  Errors: z.object({
    Error: z.union([
      z.array(gatewayErrorItemSchema),
      // XML-to-JSON gateways write a lone error as an object instead of a one-item array.
      gatewayErrorItemSchema,
    ]),
  }),
});

/** One Mastercom or gateway error, whichever envelope it came in. */
export interface MastercomErrorItem {
  source: string;
  reasonCode: string;
  description: string;
  recoverable: boolean;
  /** Name/value details joined as `Name: Value; …`, or the gateway's text; undefined when absent. */
  details: string | undefined;
  requestId: string | undefined;
}

type RawError = z.infer<typeof mastercomV6ErrorEnvelopeSchema>['Errors'][number];

function normalise(error: RawError): MastercomErrorItem {
  const details = Array.isArray(error.Details)
    ? error.Details.map((pair) => `${pair.Name}: ${pair.Value}`).join('; ')
    : (error.Details ?? undefined);
  return {
    source: error.Source,
    reasonCode: error.ReasonCode,
    description: error.Description ?? '',
    recoverable: error.Recoverable ?? false,
    details: details === '' ? undefined : details,
    requestId: error.RequestId,
  };
}

/**
 * Reads either Mastercom error envelope into one list. A body that is neither (an HTML error page
 * from a proxy, an empty body) gives an empty list; the caller then falls back on the HTTP status.
 */
export function parseMastercomErrors(body: unknown): MastercomErrorItem[] {
  const v6 = mastercomV6ErrorEnvelopeSchema.safeParse(body);
  if (v6.success) return v6.data.Errors.map(normalise);
  const gateway = mastercardGatewayErrorEnvelopeSchema.safeParse(body);
  if (gateway.success) {
    const errors = gateway.data.Errors.Error;
    return (Array.isArray(errors) ? errors : [errors]).map(normalise);
  }
  return [];
}

/** `PUT /v6/cases/{case-id}` answers with the case id it acted on. */
export const updateCaseResponseSchema = z.looseObject({ caseId: z.string().optional() });
