import { issueTickets } from '../core/steps/fulfilment-steps';
import { storeFromEnv } from '../core/store';
import { ticketSigningKeyFromEnv } from '../core/tickets';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('IssueTickets', (input: { orderId: string }) =>
  issueTickets(store, ticketSigningKeyFromEnv(), input),
);
