import { issueTickets } from '../core/orders/steps/fulfilment-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { type AfterPayInput, stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store' | 'secrets'>) {
  return stepHandler('IssueTickets', async (input: AfterPayInput) =>
    // The ticket signing key: from Secrets Manager on AWS.
    issueTickets(platform.store, await platform.secrets.ticketSigningKey(), {
      orderId: input.orderId,
      ...(input.buyer?.order ? { paid: input.buyer.order } : {}),
    }),
  );
}

export const handler = fromEnvironment(createHandler);
