import { useState } from 'react';
import type { StoryTicket } from '../../contract/order-story';
import { ApiError } from './api';
import type { StaffApi, StaffCredential, TicketRefund } from './staff-api';
import { formatPrice } from './words';

/**
 * Refund one ticket of an order from its story page: asks once more (a refund cannot be taken
 * back), then says what was given back and which seat is on sale again. A retry after a lost
 * answer is safe: the server refunds each ticket once.
 */
export function TicketRefundButton({
  api,
  operator,
  orderId,
  ticket,
  currency,
  onRefunded,
  onExpired,
}: {
  readonly api: StaffApi;
  readonly operator: StaffCredential;
  readonly orderId: string;
  readonly ticket: StoryTicket;
  readonly currency: string;
  readonly onRefunded: (refund: TicketRefund) => void;
  readonly onExpired: () => void;
}) {
  const [armed, setArmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (ticket.state !== 'VALID')
    return ticket.refundCents === undefined ? null : (
      <span className="small" data-testid="ticket-refunded">
        refunded {formatPrice(ticket.refundCents, currency)}
      </span>
    );

  async function refund() {
    if (!armed) return setArmed(true);
    setBusy(true);
    setError(undefined);
    try {
      onRefunded(await api.refundTicket(operator.token, orderId, ticket.ticketId));
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 401) return onExpired();
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setBusy(false);
      setArmed(false);
    }
  }
  return (
    <>
      <button type="button" className={armed ? 'danger' : ''} disabled={busy} onClick={refund}>
        {armed ? `Yes, refund ${ticket.seatId}` : `Refund ${ticket.seatId}`}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
