import { ENDED_EXECUTION_STATUSES, type ExecutionStatusChangeEvent } from '../contract/execution-status';
import { EXECUTION_ENDED_ENTRY } from '../contract/handler-entries';
import { logger } from '../lambdas/core/platform/logger';
import type { Platform } from '../lambdas/wiring/platform';
import { loadHandler } from './handler-loader';
import type { LocalStepFunctions } from './stepfunctions';

/**
 * The local stand-in for the EventBridge rule of lib/orders/execution-ended-rule.ts: an order
 * execution that ends FAILED, TIMED_OUT or ABORTED runs the same compensation handler. Like
 * EventBridge, a failed delivery is retried with backoff; what still fails is logged (and the
 * reconciler finishes the order within its period).
 */

const RETRY_DELAYS_MS = [200, 1_000, 5_000];

export async function startExecutionEndedRule(
  projectRoot: string,
  platform: Platform,
  stepFunctions: LocalStepFunctions,
  stateMachineArn: string,
): Promise<() => void> {
  const handler = await loadHandler<(event: ExecutionStatusChangeEvent) => Promise<unknown>>(
    projectRoot,
    EXECUTION_ENDED_ENTRY,
    platform,
  );
  const forwarded = new Set<string>(ENDED_EXECUTION_STATUSES);
  return stepFunctions.onExecutionEnded(async (event) => {
    // The rule's pattern: this state machine, the statuses it forwards.
    if (event.detail.stateMachineArn !== stateMachineArn || !forwarded.has(event.detail.status)) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await handler(event as unknown as ExecutionStatusChangeEvent);
        return;
      } catch (error) {
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          logger.error('Execution-ended compensation failed; the reconciler will finish the order', {
            orderId: event.detail.name,
            error: error as Error,
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  });
}
