import { describe, expect, it } from 'vitest';
import { tableSpec } from '../../contract/tables';
import type { TicketItem } from '../../lambdas/core/tickets/ticket-item';
import { bySeat, ticketKeyOf } from '../../lambdas/core/tickets/ticket-store';
import { makeTickets } from '../../lambdas/core/tickets/ticket-tokens';
import { createTableInput, keyDescription } from '../../local/local-tables';

/** Tickets are stored under their event (issue #13): the key helpers, pure. */
describe('ticket keys', () => {
  const [ticket] = makeTickets({ orderId: 'ord_1', eventId: 'ev-1', seatIds: ['B7'] }, 'test-key-0123456789', 1);

  it('a ticket is keyed by its event and its id, in no index', () => {
    const spec = tableSpec('tickets');
    expect([spec.partitionKey.name, spec.sortKey?.name]).toEqual(['eventId', 'ticketId']);
    expect(spec.globalSecondaryIndexes ?? []).toEqual([]);
  });

  it('ticketKeyOf keeps the key and nothing else (an UpdateItem key must be the key alone)', () => {
    expect(ticketKeyOf(ticket!)).toEqual({ eventId: 'ev-1', ticketId: ticket!.ticketId });
  });

  it("an event's tickets come by seat id (string order, as the old index's sort key), ticket id among equals", () => {
    const item = (seatId: string, ticketId: string) => ({ ...ticket!, seatId, ticketId }) as TicketItem;
    const partition = [item('B1', 'tkt_z'), item('A10', 'tkt_a'), item('A2', 'tkt_m'), item('B1', 'tkt_b')];
    expect([...partition].sort(bySeat).map((t) => `${t.seatId}/${t.ticketId}`)).toEqual([
      'A10/tkt_a',
      'A2/tkt_m',
      'B1/tkt_b',
      'B1/tkt_z',
    ]);
  });

  it("a table's key as one string: what the local stack compares to decide on recreating a table", () => {
    const input = createTableInput(tableSpec('tickets'), 't');
    expect(keyDescription(input.KeySchema ?? [], input.AttributeDefinitions ?? [])).toBe(
      'eventId:HASH:S ticketId:RANGE:S',
    );
    expect(keyDescription([{ AttributeName: 'ticketId', KeyType: 'HASH' }], [])).toBe('ticketId:HASH:?');
  });
});
