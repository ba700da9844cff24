import { issueTickets } from '../core/orders/steps/fulfilment-steps';
import { loadSecrets } from '../core/platform/secrets';
import { storeFromEnv } from '../core/platform/store';
import { ticketSigningKeyFromEnv } from '../core/tickets/ticket-tokens';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('IssueTickets', async (input: { orderId: string }) => {
  await loadSecrets(); // the ticket signing key: from Secrets Manager on AWS
  return issueTickets(store, ticketSigningKeyFromEnv(), input);
});
