import type { MinorMoney } from '@mastercom/contracts';

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
  /** The amount reserved for this alert; a retry for the same alert always asks for the same. */
  amount: MinorMoney;
}

export interface RefundResult {
  refundId: string;
  /** SUCCEEDED is the only status that lets us report REFUNDED to Ethoca. */
  status: 'SUCCEEDED' | 'PENDING' | 'FAILED' | 'NOT_SETTLED';
  amount: MinorMoney;
}

/** The PSP has not confirmed the refund (yet); the job is retried and nothing is reported. */
export class RefundNotConfirmedError extends Error {
  constructor(
    readonly alertId: string,
    /** RESERVED_ELSEWHERE: other alerts' refunds in flight hold what is left of the transaction. */
    readonly status: RefundResult['status'] | 'ERROR' | 'RESERVED_ELSEWHERE',
    detail: string,
  ) {
    super(`refund for alert ${alertId} not confirmed (${status}): ${detail}`);
    this.name = 'RefundNotConfirmedError';
  }
}
