import { loadSecrets } from '../core/secrets';
import { issueTickets } from '../core/steps/fulfilment-steps';
import { storeFromEnv } from '../core/store';
import { ticketSigningKeyFromEnv } from '../core/tickets';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('IssueTickets', async (input: { orderId: string }) => {
  await loadSecrets(); // the ticket signing key: from Secrets Manager on AWS
  return issueTickets(store, ticketSigningKeyFromEnv(), input);
});
