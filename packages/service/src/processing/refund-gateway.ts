/**
 * The port through which processing asks the PSP for a refund. Implementations must be idempotent
 * on `alertId`: asking again for the same alert returns the same refund, never a second one.
 */
export interface RefundGateway {
  refund(request: RefundRequest): Promise<RefundResult>;
}

export interface RefundRequest {
  alertId: string;
  transactionId: string;
  amount: { value: number; currencyCode: string };
}

export interface RefundResult {
  refundId: string;
  /** SUCCEEDED is the only status that lets us report REFUNDED to Ethoca. */
  status: 'SUCCEEDED' | 'PENDING' | 'FAILED' | 'NOT_SETTLED';
  amount: { value: number; currencyCode: string };
}

/** The PSP has not confirmed the refund (yet); the job is retried and nothing is reported. */
export class RefundNotConfirmedError extends Error {
  constructor(
    readonly alertId: string,
    readonly status: RefundResult['status'] | 'ERROR',
    detail: string,
  ) {
    super(`refund for alert ${alertId} not confirmed (${status}): ${detail}`);
    this.name = 'RefundNotConfirmedError';
  }
}
