import * as z from 'zod';
import { formatFieldPath } from './field-path.js';

/** Ethoca REST field limits for one error (reference §2.8). */
export const ETHOCA_ERROR_LIMITS = {
  source: 100,
  reasonCode: 100,
  description: 1000,
  details: 1000,
} as const;

export const ethocaErrorItemSchema = z
  .object({
    Source: z.string().min(1).max(ETHOCA_ERROR_LIMITS.source),
    ReasonCode: z.string().min(1).max(ETHOCA_ERROR_LIMITS.reasonCode),
    Description: z.string().max(ETHOCA_ERROR_LIMITS.description),
    Recoverable: z.boolean().default(false),
    Details: z.string().max(ETHOCA_ERROR_LIMITS.details).optional(),
  })
  .meta({ id: 'EthocaErrorItem', description: 'One error in Ethoca’s REST error envelope' });
export type EthocaErrorItem = z.infer<typeof ethocaErrorItemSchema>;

/** `{"Errors":{"Error":[…]}}`: what Ethoca's APIs answer with on 4xx, and what our webhook answers Ethoca with. */
export const ethocaErrorEnvelopeSchema = z
  .object({
    Errors: z.object({ Error: z.array(ethocaErrorItemSchema).min(1) }),
  })
  .meta({ id: 'EthocaErrorEnvelope', description: 'Ethoca REST error envelope' });
export type EthocaErrorEnvelope = z.infer<typeof ethocaErrorEnvelopeSchema>;

/** Reason codes we put in the envelopes we send. */
export const ETHOCA_REASON_CODES = {
  validation: 'VALIDATION_FAILURE',
  unauthenticated: 'AUTHENTICATION_FAILURE',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  unavailable: 'SERVICE_UNAVAILABLE',
} as const;

/** The `Source` our webhook writes: the same name Ethoca uses for the delivery channel. */
export const ALERTS_DELIVERY_SOURCE = 'alerts-delivery';

export interface EthocaErrorInput {
  source: string;
  reasonCode: string;
  description: string;
  recoverable?: boolean;
  details?: string;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * One envelope item. Text longer than Ethoca's limits is shortened rather than rejected: an error
 * response that itself fails validation would hide the original problem.
 */
export function ethocaErrorItem(input: EthocaErrorInput): EthocaErrorItem {
  const item: EthocaErrorItem = {
    Source: clip(input.source, ETHOCA_ERROR_LIMITS.source),
    ReasonCode: clip(input.reasonCode, ETHOCA_ERROR_LIMITS.reasonCode),
    Description: clip(input.description, ETHOCA_ERROR_LIMITS.description),
    Recoverable: input.recoverable ?? false,
  };
  if (input.details !== undefined) item.Details = clip(input.details, ETHOCA_ERROR_LIMITS.details);
  return item;
}

export function ethocaErrorEnvelope(items: readonly EthocaErrorItem[]): EthocaErrorEnvelope {
  if (items.length === 0) throw new Error('an Ethoca error envelope needs at least one error');
  return { Errors: { Error: [...items] } };
}

/**
 * One envelope item per zod issue. `Description` starts with the field path
 * (`amount.currencyCode: …`) and `Details` is the path alone, so every rejection names its field.
 * Validation failures are not recoverable: resending the same alert gives the same answer.
 */
export function validationErrorItems(error: z.ZodError, source: string): EthocaErrorItem[] {
  return error.issues.map((issue) => {
    const field = formatFieldPath(issue.path);
    return ethocaErrorItem({
      source,
      reasonCode: ETHOCA_REASON_CODES.validation,
      description: `${field}: ${issue.message}`,
      recoverable: false,
      details: field,
    });
  });
}
