import { useState } from 'react';
import { seatPriceCents } from '../../contract/price-levels';
import { Countdown } from './Countdown';
import { PaymentPanel, PaymentStatus } from './PaymentPanel';
import type { EventInfo, OrderView } from './types';
import { isOpen, type OrdersState } from './useOrders';
import { describeOutcome, formatPrice, listSeats } from './words';

export interface OrderPanelProps {
  readonly event: EventInfo;
  readonly orders: OrdersState;
  /** The seats the buyer has chosen (or, while holding, wants to hold). */
  readonly chosen: readonly string[];
  /** Holding, and the choice differs from the hold. */
  readonly changed: boolean;
  readonly locked: boolean;
  readonly now: number;
  readonly liveDown: boolean;
  readonly onClear: () => void;
  readonly onUndo: () => void;
  /** Events with a waiting room: whether my turn lets me start an order, and how to line up again. */
  readonly room?: RoomGate;
}

export interface RoomGate {
  readonly canOrder: boolean;
  readonly onRejoin: () => void;
}

/** What the buyer can do next: hold, change, pay, cancel — and what happened, in words. */
export function OrderPanel(props: OrderPanelProps) {
  const { orders } = props;
  const current = orders.current;
  return (
    <section
      className="card order-panel"
      data-testid="order-panel"
      data-order-status={current?.status ?? 'NONE'}
      aria-label="Your order"
    >
      {orders.notice && (
        <div className={`notice ${orders.notice.kind}`} role="alert" data-testid="notice">
          {orders.notice.text}
        </div>
      )}
      {current && !isOpen(current) && <Outcome order={current} onDismiss={orders.dismiss} room={props.room} />}
      {isOpen(current) ? (
        <OpenOrder {...props} order={current} />
      ) : props.room && !props.room.canOrder ? (
        !current && <RejoinOnly onRejoin={props.room.onRejoin} />
      ) : (
        <Chooser {...props} />
      )}
    </section>
  );
}

function Outcome({ order, onDismiss, room }: { order: OrderView; onDismiss: () => void; room: RoomGate | undefined }) {
  const { title, detail } = describeOutcome(order);
  const ok = order.status === 'CONFIRMED';
  return (
    <div
      className={`outcome ${ok ? 'outcome--ok' : 'outcome--ended'}`}
      data-testid="outcome"
      data-status={order.status}
      role="status"
    >
      <strong>{title}</strong>
      {detail && <p>{detail}</p>}
      {ok && (
        <p className="muted small">
          Your tickets are below{order.notifications?.email === 'sent' ? '; a copy is on its way by e-mail' : ''}.
        </p>
      )}
      {room && !room.canOrder ? (
        // The turn ended with the order: buying again means lining up again.
        <button type="button" className="link" onClick={room.onRejoin}>
          {ok ? 'Buy more (join the line again)' : 'Join the line again'}
        </button>
      ) : (
        <button type="button" className="link" onClick={onDismiss}>
          {ok ? 'Buy more seats' : 'Choose seats again'}
        </button>
      )}
    </div>
  );
}

function RejoinOnly({ onRejoin }: { onRejoin: () => void }) {
  return (
    <div className="chooser">
      <h2>Your turn is over</h2>
      <p className="muted">To buy tickets, join the line again.</p>
      <button type="button" className="primary" onClick={onRejoin}>
        Join the line again
      </button>
    </div>
  );
}

function Chooser({ event, orders, chosen, locked, onClear }: OrderPanelProps) {
  const [quantity, setQuantity] = useState(2);
  const max = event.maxSeatsPerOrder;
  return (
    <div className="chooser">
      <h2>Choose your seats</h2>
      <p className="muted">
        {chosen.length === 0
          ? 'Click free seats on the map, or let us pick the best ones.'
          : `${capitalize(listSeats([...chosen].sort()))} · ${formatPrice(
              chosen.reduce((sum, seatId) => sum + seatPriceCents(event, seatId), 0),
              event.currency,
            )}`}
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={chosen.length === 0 || locked}
          onClick={() => void orders.hold({ seatIds: [...chosen] })}
        >
          Hold seats{chosen.length > 0 ? ` (${chosen.length})` : ''}
        </button>
        {chosen.length > 0 && (
          <button type="button" onClick={onClear} disabled={locked}>
            Clear
          </button>
        )}
      </div>
      <div className="best-available">
        <label htmlFor="quantity">Seats</label>
        <select id="quantity" value={quantity} onChange={(e) => setQuantity(Number(e.target.value))} disabled={locked}>
          {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void orders.hold({ quantity })} disabled={locked}>
          Best available ×{quantity}
        </button>
      </div>
    </div>
  );
}

function OpenOrder({
  order,
  orders,
  chosen,
  changed,
  locked,
  now,
  liveDown,
  onUndo,
}: OrderPanelProps & { order: OrderView }) {
  const paying = order.status === 'PAYING';
  return (
    <div className="open-order">
      <h2>{describeOutcome(order).title}</h2>
      <p className="hold-line">
        {paying ? 'Seats held while you pay, at most' : 'Hold ends in'}{' '}
        <Countdown
          deadline={paying ? (order.paymentDeadline ?? order.holdExpiresAt) : order.holdExpiresAt}
          now={now}
          label={paying ? 'Payment window ends in' : 'Hold ends in'}
        />
        <span className="muted"> · {formatPrice(order.amountCents, order.currency)}</span>
      </p>
      {order.lastChangeError && (
        <div className="notice warn" role="alert">
          Your seats could not be changed: {order.lastChangeError}
        </div>
      )}
      {orders.pendingChange && (
        <p className="muted" role="status">
          Updating your hold…
        </p>
      )}
      {order.status === 'HOLDING' &&
        (changed ? (
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={locked || chosen.length === 0}
              onClick={() => void orders.changeSeats([...chosen])}
            >
              Update hold ({chosen.length})
            </button>
            <button type="button" onClick={onUndo} disabled={locked}>
              Undo changes
            </button>
            {chosen.length === 0 && <p className="muted small">Keep at least one seat, or cancel the order.</p>}
          </div>
        ) : (
          <PaymentPanel order={order} disabled={locked} onPay={orders.pay} />
        ))}
      <PaymentStatus order={order} />
      {paying && liveDown && <p className="muted small">Live updates are down; checking every second.</p>}
      {order.status === 'HOLDING' && (
        <button type="button" className="danger link" disabled={locked} onClick={() => void orders.cancel()}>
          Cancel order and release seats
        </button>
      )}
    </div>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
