import type { PaidOrder } from '../core/orders/order-workflow';
import { logger } from '../core/platform/logger';

/**
 * Wraps an order-flow step as a Lambda handler: every log line carries the order id, and a
 * failure is logged before it goes back to Step Functions (where Retry/Catch match its name).
 */
export function stepHandler<I extends { orderId: string }, O>(step: string, run: (input: I) => Promise<O>) {
  return async (input: I): Promise<O> => {
    logger.appendKeys({ step, orderId: input.orderId });
    try {
      const output = await run(input);
      logger.info('Step done', { output: output ?? null });
      return output;
    } catch (error) {
      logger.warn('Step failed', { error: error instanceof Error ? error : String(error) });
      throw error;
    } finally {
      logger.removeKeys(['step', 'orderId']);
    }
  };
}

/**
 * The input of a step after a pay request: the flow passes its `$.buyer` (the buyer's last action,
 * the pay action, which carries the order as that request left it — `PaidOrder`), so the step
 * need not read the order. An execution started before the flow carried it has no `order` there:
 * the step then reads the order itself.
 */
export interface AfterPayInput {
  readonly orderId: string;
  readonly buyer?: { readonly code?: string; readonly order?: PaidOrder };
}
