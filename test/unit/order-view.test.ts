import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import { toOrderView } from '../../lambdas/core/orders/order-record';
import type { TicketItem } from '../../lambdas/core/tickets/ticket-item';
import { mayHaveTickets } from '../../lambdas/core/tickets/ticket-store';

/** What a buyer is shown of an order (HTTP and WebSocket): the order, never the means to act around the API. */

const ticket: TicketItem = {
  ticketId: 't-1',
  eventId: 'ev',
  orderId: 'ord_1',
  seatId: 'A1',
  token: 'signed',
  state: 'VALID',
  issuedAt: 5,
};

const held: OrderRecord = {
  orderId: 'ord_1',
  eventId: 'ev',
  buyerId: 'buyer-1',
  status: 'HOLDING',
  seatIds: ['A1', 'A2'],
  holdExpiresAt: 1_000_000,
  amountCents: 9000,
  currency: 'EUR',
  payment: { status: 'idle', round: 0, attempt: 0 },
  createdAt: 10,
  updatedAt: 20,
  version: 3,
};

describe('the order view', () => {
  it('shows a held order as it is: seats, hold, price, payment progress, times and version', () => {
    expect(toOrderView(held)).toEqual({
      orderId: 'ord_1',
      eventId: 'ev',
      status: 'HOLDING',
      seatIds: ['A1', 'A2'],
      holdExpiresAt: 1_000_000,
      amountCents: 9000,
      currency: 'EUR',
      payment: { status: 'idle', round: 0, attempt: 0 },
      createdAt: 10,
      updatedAt: 20,
      version: 3,
    });
  });

  it('never shows the task token, the execution, the buyer id, the charge id or the payment intent', () => {
    const view = toOrderView({
      ...held,
      status: 'PAYING',
      taskToken: 'token-that-resumes-the-flow',
      executionArn: 'arn:aws:states:us-east-1:1:execution:Flow:ord_1',
      payment: {
        status: 'trying',
        round: 1,
        attempt: 2,
        chargeId: 'ch_secret',
        intent: { key: 'ord_1#1', amountCents: 9000, round: 1 },
      },
    });
    const json = JSON.stringify(view);
    for (const secret of ['token-that-resumes-the-flow', 'execution:Flow', 'ch_secret', 'ord_1#1', 'buyer-1'])
      expect(json).not.toContain(secret);
    expect(view).not.toHaveProperty('taskToken');
    expect(view).not.toHaveProperty('executionArn');
    expect(view).not.toHaveProperty('buyerId');
    expect(view.payment).toEqual({ status: 'trying', round: 1, attempt: 2 });
  });

  it('shows tickets from their own items as id, seat, token and state only (no order id, no QR image)', () => {
    const voided = { ...ticket, state: 'VOIDED' as const, voidedAt: 9 };
    const view = toOrderView({ ...held, status: 'CANCELLED', failureReason: 'Reset by the operator' }, [voided]);
    expect(view.tickets).toEqual([{ ticketId: 't-1', seatId: 'A1', token: 'signed', state: 'VOIDED' }]);
    expect(view.failureReason).toBe('Reset by the operator');
  });

  it('reads tickets only for orders that can have them: CONFIRMED, or ended after a pay request', () => {
    const paid = { status: 'succeeded' as const, round: 1, attempt: 1, chargeId: 'ch_1' };
    expect(mayHaveTickets({ status: 'CONFIRMED', payment: paid })).toBe(true);
    expect(mayHaveTickets({ status: 'CANCELLED', payment: paid })).toBe(true);
    expect(mayHaveTickets({ status: 'PAYING', payment: paid })).toBe(false);
    expect(mayHaveTickets({ status: 'FAILED', payment: { status: 'failed', round: 1, attempt: 3 } })).toBe(true);
    expect(mayHaveTickets({ status: 'EXPIRED', payment: held.payment })).toBe(false);
    expect(mayHaveTickets(held)).toBe(false);
  });

  it('adds what the buyer needs once it exists: payment deadline, last error, tickets, notifications, reasons', () => {
    const view = toOrderView(
      {
        ...held,
        status: 'CONFIRMED',
        paymentDeadline: 1_050_000,
        payment: { status: 'succeeded', round: 2, attempt: 1, lastError: 'Card declined', chargeId: 'ch_1' },
        notifications: { email: 'failed', sms: 'sent' },
        lastChangeError: 'Seats already taken: B1',
      },
      [ticket],
    );
    expect(view).toMatchObject({
      paymentDeadline: 1_050_000,
      payment: { status: 'succeeded', round: 2, attempt: 1, lastError: 'Card declined' },
      tickets: [{ ticketId: 't-1', seatId: 'A1', token: 'signed', state: 'VALID' }],
      notifications: { email: 'failed', sms: 'sent' },
      lastChangeError: 'Seats already taken: B1',
    });
  });

  it('leaves absent fields out instead of sending them as undefined', () => {
    const view = toOrderView(held);
    for (const key of ['paymentDeadline', 'tickets', 'notifications', 'lastChangeError', 'failureReason'])
      expect(Object.keys(view)).not.toContain(key);
    expect(Object.keys(view.payment)).toEqual(['status', 'round', 'attempt']);
  });
});
