import { SFNClient } from '@aws-sdk/client-sfn';
import { stepFunctionsExecutions } from '../core/orders/executions';
import { workflowFromEnv } from '../core/orders/order-workflow';
import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { logger } from '../core/platform/logger';
import { loadSecrets } from '../core/platform/secrets';
import { storeFromEnv } from '../core/platform/store';
import { type ReconcileSummary, reconcile, summarize } from '../core/reconcile/reconciler';
import { ticketSigningKeyFromEnv } from '../core/tickets/ticket-tokens';

/**
 * The scheduled reconciler (every minute on AWS; the local stack's timer calls this same handler).
 * It logs one summary line per run, and one line per order it finished, with the order id.
 */
const store = storeFromEnv();
const stateMachineArn = process.env.ORDER_STATE_MACHINE_ARN ?? '';
const deps = {
  store,
  executions: stepFunctionsExecutions(new SFNClient({}), stateMachineArn),
  workflow: workflowFromEnv(),
  processor: new SimulatedProcessor(store),
  ticketSigningKey: async () => {
    await loadSecrets(); // the ticket signing key: from Secrets Manager on AWS
    return ticketSigningKeyFromEnv();
  },
};

export async function handler(): Promise<ReconcileSummary> {
  const summary = summarize(await reconcile(deps));
  if (summary.actions > 0 || summary.notes.length > 0) {
    logger.info('Reconciler run', { actions: summary.actions, failed: summary.failed, notes: summary.notes.length });
  }
  return summary;
}
