import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CheckIn } from '../../../contract/check-in';
import { writeIf } from '../platform/conditional-write';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import { verifyTicket } from './ticket-check';
import { getTicket, ticketKeyOf } from './ticket-store';

/**
 * Checking a ticket in at a door: verify it (signature, its own item, its order: ticket-check.ts),
 * then ONE conditional write on the ticket's item — `checkedInAt` set only while absent, the item
 * still VALID and still carrying this very token. Two doors scanning the same ticket at the same
 * moment both pass the verification; exactly one of them wins the write, the other is told when
 * and where it was checked in. A ticket voided between the two steps fails the condition too.
 */
export async function checkIn(
  store: Store,
  signingKey: string,
  scan: { readonly eventId: string; readonly code: string; readonly door: string },
): Promise<CheckIn> {
  const verdict = await verifyTicket(store, signingKey, scan.code);
  if (!verdict.ticket) return { result: 'forged' };
  const ticket = verdict.ticket;
  // A genuine ticket of another event says so, whatever its state: the door staff send the guest on.
  if (ticket.eventId !== scan.eventId) return { result: 'wrongEvent', ticket };
  if (!verdict.valid) {
    // A voided ticket that was checked in before it was voided is still only "voided": it admits no one.
    return { result: verdict.reason === 'badSignature' ? 'forged' : 'voided', ticket };
  }

  const now = store.now();
  const admitted = await writeIf(
    store,
    new UpdateCommand({
      TableName: store.tables.tickets,
      Key: ticketKeyOf(ticket),
      UpdateExpression: 'SET checkedInAt = :now, checkedInBy = :door',
      ConditionExpression: 'attribute_not_exists(checkedInAt) AND #state = :valid AND #token = :token',
      ExpressionAttributeNames: { '#state': 'state', '#token': 'token' },
      ExpressionAttributeValues: { ':now': now, ':door': scan.door, ':valid': 'VALID', ':token': scan.code },
    }),
  );
  const keys = { ticketId: ticket.ticketId, orderId: ticket.orderId, eventId: ticket.eventId, door: scan.door };
  if (admitted) {
    logger.info('Ticket checked in', keys);
    return { result: 'valid', ticket, checkedInAt: now, door: scan.door };
  }
  // Lost the write: someone checked it in first, or it was voided in between. The item says which.
  const item = await getTicket(store, ticket);
  if (item?.checkedInAt !== undefined) {
    logger.info('Ticket already checked in', { ...keys, checkedInAt: item.checkedInAt, by: item.checkedInBy });
    return { result: 'alreadyCheckedIn', ticket, checkedInAt: item.checkedInAt, door: item.checkedInBy ?? 'unknown' };
  }
  return { result: 'voided', ticket };
}
