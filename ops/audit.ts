import { ordersOfEvent } from '../lambdas/core/events/event-report';
import { isFinal, type OrderRecord } from '../lambdas/core/orders/order-record';
import { ticketRefundKey } from '../lambdas/core/payments/processor';
import { type LedgerEntry, ledgerOfOrder } from '../lambdas/core/payments/simulated-processor';
import { forEachLimited } from '../lambdas/core/platform/concurrency';
import type { Store } from '../lambdas/core/platform/store';
import type { SeatItem } from '../lambdas/core/seats/seat-item';
import { readSeats } from '../lambdas/core/seats/seat-map';
import type { TicketItem } from '../lambdas/core/tickets/ticket-item';
import { ticketsOfEvent } from '../lambdas/core/tickets/ticket-store';

/**
 * `npm run audit -- <eventId>`: does the money add up, and does every seat have at most one
 * owner? From three sources that are written by different steps, so a lost write shows up as a
 * disagreement between them:
 *   - the processor's ledger (payments table, `byOrder` index): what was charged and refunded;
 *   - the orders (listed on the buyers' items): which charge a CONFIRMED order keeps;
 *   - the tickets (the event's partition, strongly consistent): which VALID tickets each order holds;
 *   - the seats (strongly consistent): which order each SOLD seat belongs to.
 *
 * Invariants (each violation is a problem; `clean` when there is none):
 *   1. every charge (ledger outcome CHARGED or REFUNDED) is exactly one of ticketed (CHARGED, and
 *      its order is CONFIRMED and keeps it as `payment.chargeId`) or refunded;
 *   2. no order keeps two charges (two entries still CHARGED);
 *   3. no PENDING ledger entry older than the grace (a charge nobody finished);
 *   4. every valid ticket (a VALID ticket item of a CONFIRMED order) is on a seat SOLD to its order;
 *   5. no seat has two valid tickets; every SOLD seat has one; ticket count = sold seats;
 *   6. a charge's given-back cents (`refundedCents`) are its partial refunds' (`REFUND` entries)
 *      while it is CHARGED, and all of it once REFUNDED — never more; a ticket refunded singly more
 *      than the grace ago has its price back (its `refund#<ticketId>` entry, for its price, or its
 *      charge refunded whole).
 * Orders still open within their deadline (hold or payment window) plus the grace are "in
 * flight": their charges and sold seats are counted as such, not as problems, so an audit during
 * a live sale does not cry wolf. Past that, anything open is a problem too.
 *
 * The indexes are eventually consistent on AWS: run the audit after the sale settles (the
 * simulator does, after waiting for every order to end).
 */

/** How long past its deadline an open order (or a PENDING charge past its last write) is in flight. */
export const AUDIT_GRACE_MS = 60_000;

export type AuditProblemKind =
  /** A charge still CHARGED that no CONFIRMED order keeps: money taken, no ticket, no refund. */
  | 'unaccountedCharge'
  /** A PENDING ledger entry older than the grace. */
  | 'pendingCharge'
  /** An order with two or more charges still CHARGED. */
  | 'doubleCharged'
  /** A CONFIRMED order whose kept charge is refunded or missing from the ledger: tickets without money. */
  | 'ticketedWithoutCharge'
  /** A CONFIRMED order keeps a charge of another amount than the order's. */
  | 'wrongAmount'
  /** A CONFIRMED order without one ticket per seat. */
  | 'confirmedWithoutTickets'
  /** A valid ticket whose seat is not SOLD to its order. */
  | 'ticketSeatNotSold'
  /** Two or more valid tickets for one seat. */
  | 'seatTwiceTicketed'
  /** A SOLD seat no valid ticket stands for. */
  | 'soldWithoutTicket'
  /** Valid tickets ≠ SOLD seats (outside orders in flight). */
  | 'ticketCountMismatch'
  /** An order still HOLDING or PAYING past its deadline plus the grace. */
  | 'orderOpenPastDeadline'
  /** A charge whose given-back cents are not what its partial refunds add up to, or more than it took. */
  | 'refundMismatch'
  /** A ticket refunded singly (past the grace) whose price is neither in its own partial refund nor in its charge's whole refund. */
  | 'ticketRefundMissing';

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  readonly orderId?: string;
  readonly seatId?: string;
  readonly chargeId?: string;
  readonly detail: string;
}

export interface MoneyAudit {
  /** Ledger entries CHARGED or REFUNDED: every charge ever taken. */
  readonly charged: number;
  /** Charges kept by a CONFIRMED order. */
  readonly ticketed: number;
  readonly refunded: number;
  /** Charges neither ticketed nor refunded (outside orders in flight), plus PENDING entries past the grace. */
  readonly unaccounted: number;
  /** Orders keeping two or more charges. */
  readonly doubleCharged: number;
  /** Charges (and PENDING entries) of orders in flight: not judged yet. */
  readonly inFlight: number;
}

export interface AuditReport {
  readonly eventId: string;
  readonly auditedAt: number;
  readonly orders: number;
  /** Orders HOLDING or PAYING within their deadline plus the grace. */
  readonly ordersInFlight: number;
  readonly money: MoneyAudit;
  /** Valid tickets: the current `tickets` of CONFIRMED orders. */
  readonly tickets: number;
  readonly soldSeats: number;
  /** Seats with two or more valid tickets. */
  readonly oversold: number;
  readonly problems: readonly AuditProblem[];
  readonly clean: boolean;
}

export interface AuditOptions {
  readonly now?: number;
  readonly graceMs?: number;
}

export async function auditEvent(store: Store, eventId: string, options: AuditOptions = {}): Promise<AuditReport> {
  const now = options.now ?? store.now();
  const graceMs = options.graceMs ?? AUDIT_GRACE_MS;
  const orders = await ordersOfEvent(store, eventId);
  const ledgers = new Map<string, LedgerEntry[]>();
  await forEachLimited(orders, 16, async (order) => {
    ledgers.set(order.orderId, await ledgerOfOrder(store, order.orderId));
  });
  const seats = await readSeats(store, eventId, { consistent: true });
  // One read of the event's tickets: the VALID ones by order, and the seats refunded singly (a
  // CONFIRMED order no longer owes a ticket for those: refund-ticket.ts).
  const tickets = new Map<string, TicketItem[]>();
  const refundedSeats = new Set<string>();
  const refundedSingly: TicketItem[] = [];
  for (const ticket of await ticketsOfEvent(store, eventId, { consistent: true })) {
    if (ticket.state === 'VALID') tickets.set(ticket.orderId, [...(tickets.get(ticket.orderId) ?? []), ticket]);
    else if (ticket.refundedAt !== undefined) {
      refundedSeats.add(`${ticket.orderId}#${ticket.seatId}`);
      refundedSingly.push(ticket);
    }
  }

  const inFlight = new Set(
    orders.filter((o) => !isFinal(o.status) && now <= deadlineOf(o) + graceMs).map((o) => o.orderId),
  );
  const problems: AuditProblem[] = [];
  const money = auditMoney(orders, ledgers, inFlight, now, graceMs, problems);
  auditRefunds(orders, ledgers, refundedSingly, now - graceMs, problems);
  const seating = auditSeats(orders, tickets, refundedSeats, seats, inFlight, problems);
  for (const order of orders) {
    if (!isFinal(order.status) && !inFlight.has(order.orderId)) {
      problems.push({
        kind: 'orderOpenPastDeadline',
        orderId: order.orderId,
        detail: `${order.status} ${Math.round((now - deadlineOf(order)) / 1000)} s past its deadline`,
      });
    }
  }
  return {
    eventId,
    auditedAt: now,
    orders: orders.length,
    ordersInFlight: inFlight.size,
    money,
    ...seating,
    problems,
    clean: problems.length === 0,
  };
}

/** When an open order must have ended: its hold, or the payment window once a pay request was accepted. */
export function deadlineOf(order: Pick<OrderRecord, 'holdExpiresAt' | 'paymentDeadline'>): number {
  return Math.max(order.holdExpiresAt, order.paymentDeadline ?? 0);
}

function auditMoney(
  orders: readonly OrderRecord[],
  ledgers: ReadonlyMap<string, LedgerEntry[]>,
  inFlight: ReadonlySet<string>,
  now: number,
  graceMs: number,
  problems: AuditProblem[],
): MoneyAudit {
  let charged = 0;
  let ticketed = 0;
  let refunded = 0;
  let unaccounted = 0;
  let doubleCharged = 0;
  let pendingInFlight = 0;
  for (const order of orders) {
    const entries = ledgers.get(order.orderId) ?? [];
    const flying = inFlight.has(order.orderId);
    const kept = order.status === 'CONFIRMED' ? order.payment.chargeId : undefined;
    const stillCharged = entries.filter((e) => e.outcome === 'CHARGED');
    for (const entry of entries) {
      if (entry.outcome === 'PENDING') {
        if (flying || entry.updatedAt >= now - graceMs) pendingInFlight++;
        else {
          unaccounted++;
          problems.push({
            kind: 'pendingCharge',
            orderId: order.orderId,
            detail: `ledger key ${entry.idempotencyKey} PENDING since ${new Date(entry.updatedAt).toISOString()}`,
          });
        }
        continue;
      }
      if (entry.outcome !== 'CHARGED' && entry.outcome !== 'REFUNDED') continue; // DECLINED: no money moved
      charged++;
      if (entry.outcome === 'REFUNDED') {
        refunded++;
      } else if (kept !== undefined && entry.chargeId === kept) {
        ticketed++;
        if (entry.amountCents !== order.amountCents) {
          problems.push({
            kind: 'wrongAmount',
            orderId: order.orderId,
            chargeId: entry.chargeId,
            detail: `keeps a charge of ${entry.amountCents} for an order of ${order.amountCents}`,
          });
        }
      } else if (flying) {
        pendingInFlight++;
      } else {
        unaccounted++;
        problems.push({
          kind: 'unaccountedCharge',
          orderId: order.orderId,
          chargeId: entry.chargeId,
          detail: `charged ${entry.amountCents}, order ${order.status}, neither ticketed nor refunded`,
        });
      }
    }
    if (stillCharged.length > 1 && !flying) {
      doubleCharged++;
      problems.push({
        kind: 'doubleCharged',
        orderId: order.orderId,
        detail: `${stillCharged.length} charges still CHARGED: ${stillCharged.map((e) => e.chargeId).join(', ')}`,
      });
    }
    if (kept !== undefined && !stillCharged.some((e) => e.chargeId === kept)) {
      const entry = entries.find((e) => e.chargeId === kept);
      problems.push({
        kind: 'ticketedWithoutCharge',
        orderId: order.orderId,
        chargeId: kept,
        detail: `CONFIRMED, its charge is ${entry ? entry.outcome : 'not in the ledger'}`,
      });
    }
    if (order.status === 'CONFIRMED' && kept === undefined) {
      problems.push({ kind: 'ticketedWithoutCharge', orderId: order.orderId, detail: 'CONFIRMED without a charge id' });
    }
  }
  // An in-flight charge is part of `charged`, neither ticketed nor refunded yet.
  return { charged, ticketed, refunded, unaccounted, doubleCharged, inFlight: pendingInFlight };
}

/**
 * Partial refunds add up (invariant 6). `refundPart` writes a `REFUND` entry and adds its amount
 * to the charge's `refundedCents` in one transaction, and `refund` sets them to the whole charge:
 * any other sum is a refund lost or counted twice. A ticket refunded singly is voided before its
 * money goes (refund-ticket.ts), so only one older than the grace is judged (the reconciler
 * finishes a request that died in between).
 */
function auditRefunds(
  orders: readonly OrderRecord[],
  ledgers: ReadonlyMap<string, LedgerEntry[]>,
  refundedSingly: readonly TicketItem[],
  judgedBefore: number,
  problems: AuditProblem[],
): void {
  const byId = new Map(orders.map((order) => [order.orderId, order]));
  for (const order of orders) {
    const entries = ledgers.get(order.orderId) ?? [];
    const charges = entries.filter((e) => e.outcome === 'CHARGED' || e.outcome === 'REFUNDED');
    const parts = entries.filter((e) => e.outcome === 'REFUND');
    for (const charge of charges) {
      const partial = parts.filter((p) => p.refundOf === charge.chargeId).reduce((sum, p) => sum + p.amountCents, 0);
      const back = charge.refundedCents ?? 0;
      const wrong =
        charge.outcome === 'CHARGED'
          ? back !== partial
          : partial > charge.amountCents || (charge.refundedCents !== undefined && back !== charge.amountCents);
      if (wrong)
        problems.push({
          kind: 'refundMismatch',
          orderId: order.orderId,
          chargeId: charge.chargeId,
          detail: `${charge.outcome} ${charge.amountCents}, ${back} given back, its partial refunds ${partial}`,
        });
    }
    for (const part of parts.filter((p) => !charges.some((c) => c.chargeId === p.refundOf)))
      problems.push({
        kind: 'refundMismatch',
        orderId: order.orderId,
        chargeId: part.refundOf,
        detail: `partial refund ${part.idempotencyKey} of a charge not in the order's ledger`,
      });
  }
  for (const ticket of refundedSingly) {
    const order = byId.get(ticket.orderId);
    const chargeId = order?.payment.chargeId;
    if (!order || chargeId === undefined || (ticket.refundedAt ?? 0) >= judgedBefore) continue;
    const entries = ledgers.get(order.orderId) ?? [];
    const own = entries.find((e) => e.idempotencyKey === ticketRefundKey(ticket.ticketId));
    const coveredWhole = entries.some((e) => e.chargeId === chargeId && e.outcome === 'REFUNDED');
    if (own ? own.amountCents === ticket.refundCents : coveredWhole) continue;
    problems.push({
      kind: 'ticketRefundMissing',
      orderId: order.orderId,
      seatId: ticket.seatId,
      chargeId,
      detail: own
        ? `ticket ${ticket.ticketId} refunded for ${ticket.refundCents} cents, its partial refund gave ${own.amountCents}`
        : `ticket ${ticket.ticketId} refunded singly for ${ticket.refundCents} cents, none given back`,
    });
  }
}

function auditSeats(
  orders: readonly OrderRecord[],
  ticketsOfOrder: ReadonlyMap<string, readonly TicketItem[]>,
  refundedSeats: ReadonlySet<string>,
  seats: readonly SeatItem[],
  inFlight: ReadonlySet<string>,
  problems: AuditProblem[],
): { tickets: number; soldSeats: number; oversold: number } {
  const seatById = new Map(seats.map((s) => [s.seatId, s]));
  const ticketsBySeat = new Map<string, { orderId: string; ticketId: string }[]>();
  let tickets = 0;
  for (const order of orders) {
    if (order.status !== 'CONFIRMED') continue;
    const held = ticketsOfOrder.get(order.orderId) ?? [];
    const owed = order.seatIds.filter((seatId) => !refundedSeats.has(`${order.orderId}#${seatId}`));
    if (held.length !== owed.length || owed.some((seatId) => !held.some((t) => t.seatId === seatId))) {
      problems.push({
        kind: 'confirmedWithoutTickets',
        orderId: order.orderId,
        detail: `${held.length} ticket(s) for ${owed.length} seat(s)`,
      });
    }
    for (const ticket of held) {
      tickets++;
      ticketsBySeat.set(ticket.seatId, [
        ...(ticketsBySeat.get(ticket.seatId) ?? []),
        { orderId: order.orderId, ticketId: ticket.ticketId },
      ]);
      const seat = seatById.get(ticket.seatId);
      if (seat?.status !== 'SOLD' || seat.orderId !== order.orderId) {
        problems.push({
          kind: 'ticketSeatNotSold',
          orderId: order.orderId,
          seatId: ticket.seatId,
          detail: `ticket ${ticket.ticketId}: seat is ${seat ? `${seat.status}${seat.orderId ? ` to ${seat.orderId}` : ''}` : 'missing'}`,
        });
      }
    }
  }
  let oversold = 0;
  for (const [seatId, list] of ticketsBySeat) {
    if (list.length < 2) continue;
    oversold++;
    problems.push({
      kind: 'seatTwiceTicketed',
      seatId,
      detail: `${list.length} valid tickets: ${list.map((t) => `${t.ticketId} (${t.orderId})`).join(', ')}`,
    });
  }
  const sold = seats.filter((s) => s.status === 'SOLD');
  let soldSettled = 0;
  for (const seat of sold) {
    if (seat.orderId !== undefined && inFlight.has(seat.orderId)) continue;
    soldSettled++;
    if (!(ticketsBySeat.get(seat.seatId) ?? []).some((t) => t.orderId === seat.orderId)) {
      problems.push({
        kind: 'soldWithoutTicket',
        seatId: seat.seatId,
        ...(seat.orderId ? { orderId: seat.orderId } : {}),
        detail: 'SOLD, but no valid ticket of its order',
      });
    }
  }
  if (tickets !== soldSettled) {
    problems.push({
      kind: 'ticketCountMismatch',
      detail: `${tickets} valid ticket(s), ${soldSettled} SOLD seat(s) outside orders in flight`,
    });
  }
  return { tickets, soldSeats: sold.length, oversold };
}
