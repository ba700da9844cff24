import { issueTickets } from '../core/orders/steps/fulfilment-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store' | 'secrets'>) {
  return stepHandler('IssueTickets', async (input: { orderId: string }) =>
    // The ticket signing key: from Secrets Manager on AWS.
    issueTickets(platform.store, await platform.secrets.ticketSigningKey(), input),
  );
}

export const handler = fromEnvironment(createHandler);
