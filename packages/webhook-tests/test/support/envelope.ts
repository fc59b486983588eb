import { ethocaErrorEnvelopeSchema, type EthocaErrorEnvelope } from '@mastercom/contracts';
import { expect } from 'vitest';

/** Asserts an Ethoca error envelope with one error of `reasonCode` and returns it. */
export function expectEnvelope(body: unknown, reasonCode: string): EthocaErrorEnvelope {
  const envelope = ethocaErrorEnvelopeSchema.parse(body);
  expect(envelope.Errors.Error.map((error) => error.ReasonCode)).toEqual([reasonCode]);
  expect(body).not.toHaveProperty('alertResponses');
  return envelope;
}

/**
 * What a refused delivery looked like, for one `toEqual` per case: the status, the envelope's
 * reason code (null when the body is not a valid Ethoca envelope), its description and how many
 * rows the alert left behind.
 */
export interface Refusal {
  status: number;
  reasonCode: string | null;
  description: string | null;
  stored: number;
}

export function refusal(status: number, body: unknown, stored: number): Refusal {
  const envelope = ethocaErrorEnvelopeSchema.safeParse(body);
  const first = envelope.success ? envelope.data.Errors.Error[0] : undefined;
  return {
    status,
    reasonCode: first?.ReasonCode ?? null,
    description: first?.Description ?? null,
    stored,
  };
}
