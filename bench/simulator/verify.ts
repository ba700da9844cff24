/**
 * The oversell check, from what the public and admin APIs say after the run. Pure.
 *
 * - no seat in two tickets, no more tickets than seats;
 * - every SOLD seat of the public snapshot belongs to exactly one ticket, every ticket's seat is SOLD;
 * - every buyer who saw CONFIRMED has exactly the tickets the admin list gives their order.
 */

export interface AdminTicket {
  readonly buyerId: string;
  readonly orderId: string;
  readonly seatId: string;
  readonly ticketId: string;
}

export interface SnapshotSeat {
  readonly seatId: string;
  readonly status: string;
}

export interface BuyerTickets {
  readonly orderId: string;
  readonly ticketIds: readonly string[];
}

export interface OversellCheck {
  readonly ok: boolean;
  readonly tickets: number;
  readonly seats: number;
  readonly soldSeats: number;
  readonly problems: string[];
}

export function checkOversell(
  seatCount: number,
  tickets: readonly AdminTicket[],
  snapshot: readonly SnapshotSeat[],
  buyers: readonly BuyerTickets[],
): OversellCheck {
  const problems: string[] = [];
  const bySeat = new Map<string, AdminTicket[]>();
  for (const ticket of tickets) bySeat.set(ticket.seatId, [...(bySeat.get(ticket.seatId) ?? []), ticket]);
  for (const [seatId, list] of bySeat)
    if (list.length > 1)
      problems.push(`seat ${seatId} is in ${list.length} tickets (${list.map((t) => t.ticketId).join(', ')})`);
  if (tickets.length > seatCount) problems.push(`${tickets.length} tickets for ${seatCount} seats`);
  if (new Set(tickets.map((t) => t.ticketId)).size !== tickets.length) problems.push('a ticket id appears twice');

  const sold = snapshot.filter((s) => s.status === 'SOLD');
  const statusOf = new Map(snapshot.map((s) => [s.seatId, s.status]));
  for (const seat of sold) if (!bySeat.has(seat.seatId)) problems.push(`seat ${seat.seatId} is SOLD but in no ticket`);
  for (const seatId of bySeat.keys())
    if (statusOf.get(seatId) !== 'SOLD')
      problems.push(`seat ${seatId} has a ticket but is ${statusOf.get(seatId) ?? 'missing'} in the seat table`);

  const byOrder = new Map<string, Set<string>>();
  for (const ticket of tickets)
    byOrder.set(ticket.orderId, (byOrder.get(ticket.orderId) ?? new Set()).add(ticket.ticketId));
  for (const buyer of buyers) {
    const listed = byOrder.get(buyer.orderId) ?? new Set<string>();
    const seen = new Set(buyer.ticketIds);
    if (listed.size !== seen.size || [...seen].some((id) => !listed.has(id))) {
      problems.push(`order ${buyer.orderId}: the buyer holds ${seen.size} tickets, the admin list ${listed.size}`);
    }
  }
  return { ok: problems.length === 0, tickets: tickets.length, seats: seatCount, soldSeats: sold.length, problems };
}
