import {
  IDEMPOTENCY_KEY_HEADER,
  minorToMoney,
  moneyToMinor,
  PSP_REFUND_REASON,
  PSP_REFUNDS_PATH,
  pspRefundSchema,
  type PspRefundRequest,
} from '@mastercom/contracts';
import {
  RefundNotConfirmedError,
  type RefundGateway,
  type RefundRequest,
  type RefundResult,
} from './refund-gateway.js';

/**
 * The default RefundGateway: the PSP's refund endpoint over HTTP, with the alert id as the
 * idempotency key, so a retried job (after a timeout or a crash) gets back the refund it already
 * created instead of a second one.
 */
export class HttpRefundGateway implements RefundGateway {
  constructor(
    private readonly options: { baseUrl: string; apiKey?: string | undefined; timeoutMs: number },
  ) {}

  async refund(request: RefundRequest): Promise<RefundResult> {
    const body: PspRefundRequest = {
      transactionId: request.transactionId,
      // Minor units become the PSP's decimal JSON number here, at the boundary, exactly.
      amount: minorToMoney(request.amount),
      reason: PSP_REFUND_REASON,
      alertId: request.alertId,
    };
    let response: Response;
    try {
      response = await fetch(new URL(PSP_REFUNDS_PATH, this.options.baseUrl), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDEMPOTENCY_KEY_HEADER]: request.alertId,
          ...(this.options.apiKey === undefined
            ? {}
            : { authorization: `Bearer ${this.options.apiKey}` }),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new RefundNotConfirmedError(
        request.alertId,
        'ERROR',
        `PSP unreachable: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new RefundNotConfirmedError(
        request.alertId,
        'ERROR',
        `PSP answered ${response.status}: ${text.slice(0, 300)}`,
      );
    }
    const parsed = pspRefundSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new RefundNotConfirmedError(
        request.alertId,
        'ERROR',
        `PSP answer does not match the refund contract: ${parsed.error.message.slice(0, 300)}`,
      );
    }
    return {
      refundId: parsed.data.refundId,
      status: parsed.data.status,
      amount: moneyToMinor(parsed.data.amount),
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
