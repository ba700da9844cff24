import { logger } from '../core/platform/logger';
import { type ReconcileSummary, reconcile, summarize } from '../core/reconcile/reconciler';
import { fromEnvironment, type Platform } from '../wiring/platform';

/**
 * The scheduled reconciler (every minute on AWS; the local stack's timer calls this same handler).
 * It logs one summary line per run, and one line per order it finished, with the order id.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'executions' | 'workflow' | 'processor' | 'secrets'>) {
  return async (): Promise<ReconcileSummary> => {
    const summary = summarize(
      await reconcile({
        store: platform.store,
        executions: platform.executions,
        workflow: platform.workflow,
        processor: platform.processor,
        // The ticket signing key: from Secrets Manager on AWS.
        ticketSigningKey: () => platform.secrets.ticketSigningKey(),
      }),
    );
    if (summary.actions > 0 || summary.notes.length > 0) {
      logger.info('Reconciler run', { actions: summary.actions, failed: summary.failed, notes: summary.notes.length });
    }
    return summary;
  };
}

export const handler = fromEnvironment(createHandler);
