import { type ExecutionStatusChangeEvent, settleEndedExecution } from '../core/orders/steps/execution-ended';
import { logger } from '../core/platform/logger';
import { fromEnvironment, type Platform } from '../wiring/platform';

/**
 * Target of the EventBridge rule on order executions that failed, timed out or were aborted (and,
 * locally, of the local Step Functions' execution-ended hook): the flow's compensation for that
 * order. An error is thrown back so EventBridge retries (then its dead-letter queue keeps it).
 */
export function createHandler(platform: Pick<Platform, 'store' | 'processor'>) {
  return async (event: ExecutionStatusChangeEvent): Promise<void> => {
    logger.appendKeys({ step: 'ExecutionEnded', orderId: event.detail.name });
    try {
      await settleEndedExecution(platform.store, platform.processor, event.detail);
    } catch (error) {
      logger.error('Settling an ended execution failed', { error: error instanceof Error ? error : String(error) });
      throw error;
    } finally {
      logger.removeKeys(['step', 'orderId']);
    }
  };
}

export const handler = fromEnvironment(createHandler);
