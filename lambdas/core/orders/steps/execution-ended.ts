import { ENDED_EXECUTION_STATUSES, type ExecutionStatusChangeDetail } from '../../../../contract/execution-status';
import type { PaymentProcessor } from '../../payments/processor';
import { OrderNotFound } from '../../platform/errors';
import { logger } from '../../platform/logger';
import type { Store } from '../../platform/store';
import { type CompensationResult, compensateOrder } from '../settlement';

/**
 * An order execution that failed, timed out or was aborted — however it ended, whatever state it
 * was in: the same compensation as the flow's own Catch path runs for its order (the execution is
 * named after it). For an order the flow already ended (a Fail state after compensation) this
 * changes nothing but still settles money: any charge still taken is refunded.
 */

export type { ExecutionStatusChangeDetail, ExecutionStatusChangeEvent } from '../../../../contract/execution-status';

export async function settleEndedExecution(
  store: Store,
  processor: PaymentProcessor,
  detail: ExecutionStatusChangeDetail,
): Promise<CompensationResult | undefined> {
  if (!(ENDED_EXECUTION_STATUSES as readonly string[]).includes(detail.status)) return undefined;
  try {
    const result = await compensateOrder(store, processor, {
      orderId: detail.name,
      status: detail.status === 'TIMED_OUT' ? 'EXPIRED' : 'FAILED',
      reason: reasonFor(detail),
    });
    logger.info('Order execution ended', {
      orderId: detail.name,
      executionStatus: detail.status,
      error: detail.error ?? null,
      orderStatus: result.status,
    });
    return result;
  } catch (error) {
    if (!(error instanceof OrderNotFound)) throw error;
    logger.warn('An order execution ended for an order that does not exist', {
      orderId: detail.name,
      executionStatus: detail.status,
    });
    return undefined;
  }
}

function reasonFor(detail: ExecutionStatusChangeDetail): string {
  const what = detail.status === 'TIMED_OUT' ? 'timed out' : detail.status === 'ABORTED' ? 'was stopped' : 'failed';
  const error = [detail.error, detail.cause]
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .join(': ');
  return `The order flow ${what}${error ? ` (${error.length > 300 ? `${error.slice(0, 300)}…` : error})` : ''}; any payment is refunded`;
}
