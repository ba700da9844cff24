import type { DashboardSales, DashboardView } from '../../contract/dashboard-view';
import type { OrderStatus } from '../../contract/order-view';
import type { StaffApi } from './staff-api';
import { type DashboardFeed, useDashboard } from './useDashboard';
import { formatPrice } from './words';

/**
 * An event's live dashboard: seats free / held / sold as a bar, revenue, orders by status,
 * payments approved vs declined, the waiting room, tickets sold per minute as a small chart, and
 * the orders that need attention (each linking to its story). Pushed over the operator's socket,
 * polled while it is down (useDashboard). Hand-made SVG: every picture has a title, a description
 * and the same figures in text beside it.
 */
export function EventDashboard({
  api,
  operator,
  eventId,
  onExpired,
}: {
  api: StaffApi;
  operator: string;
  eventId: string;
  onExpired: () => void;
}) {
  const { dashboard, feed, error } = useDashboard(api, operator, eventId, onExpired);
  if (!dashboard)
    return (
      <div className="dashboard" data-testid="dashboard">
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : (
          <p className="muted small">Loading the dashboard…</p>
        )}
      </div>
    );
  const { seats, revenue, payments, waitingRoom } = dashboard;
  return (
    <section className="dashboard" data-testid="dashboard" aria-label={`Dashboard of ${dashboard.name}`}>
      <p className="muted small dashboard-feed">
        <FeedBadge feed={feed} /> figures of {new Date(dashboard.computedAt).toLocaleTimeString()}
      </p>
      <div className="dashboard-tiles" aria-live="polite">
        <Tile label="Sold" value={seats.sold} testId="dashboard-sold" tone="sold" />
        <Tile label="Held" value={seats.held} testId="dashboard-held" tone="held" />
        <Tile label="Free" value={seats.free} testId="dashboard-free" tone="free" />
        <Tile
          label="Revenue"
          value={formatPrice(revenue.netCents, revenue.currency)}
          note={
            revenue.refundedCents > 0 ? `${formatPrice(revenue.refundedCents, revenue.currency)} refunded` : undefined
          }
          testId="dashboard-revenue"
        />
      </div>
      <SeatBar seats={seats} />
      <SalesChart sales={dashboard.sales} />
      <div className="dashboard-columns">
        <section aria-label="Orders by status">
          <h3>Orders</h3>
          <StatusList counts={dashboard.ordersByStatus} />
        </section>
        <section aria-label="Payments">
          <h3>Payments</h3>
          <TwoBar
            left={{ label: 'approved', value: payments.approved, className: 'approved' }}
            right={{ label: 'declined', value: payments.declined, className: 'declined' }}
          />
          <p className="small">
            {payments.approved} approved · {payments.declined} declined
            {payments.retrying > 0 ? ` · ${payments.retrying} retrying now` : ''}
          </p>
        </section>
        {waitingRoom && (
          <section aria-label="Waiting room">
            <h3>Waiting room</h3>
            <dl className="dashboard-figures small">
              <dt>Waiting</dt>
              <dd>{waitingRoom.waiting}</dd>
              <dt>Serving up to</dt>
              <dd>#{waitingRoom.servingPosition}</dd>
              <dt>Buying now</dt>
              <dd>{waitingRoom.active}</dd>
              <dt>Lapsed or left</dt>
              <dd>{waitingRoom.lapsed}</dd>
            </dl>
            {waitingRoom.soldOut && <p className="small">Sold out: the room admits no one.</p>}
          </section>
        )}
      </div>
      <Attention dashboard={dashboard} />
    </section>
  );
}

function FeedBadge({ feed }: { feed: DashboardFeed }) {
  const words = { live: 'Live', polling: 'Offline — refreshing every 5 s', connecting: 'Connecting' } as const;
  return (
    <span className={`dashboard-badge dashboard-badge--${feed}`} data-testid="dashboard-feed" data-feed={feed}>
      {words[feed]}
    </span>
  );
}

/** `tone`: the tile's edge has the colour of its part of the seat bar (the bar's key). */
function Tile({
  label,
  value,
  note,
  testId,
  tone,
}: {
  label: string;
  value: string | number;
  note?: string | undefined;
  testId: string;
  tone?: 'sold' | 'held' | 'free';
}) {
  return (
    <div className={tone ? `dashboard-tile dashboard-tile--${tone}` : 'dashboard-tile'}>
      <span className="muted small">{label}</span>
      <strong data-testid={testId}>{value}</strong>
      {note && <span className="muted small">{note}</span>}
    </div>
  );
}

/** One bar: sold, held, free, in proportion; the figures are in the tiles above and in its label. */
function SeatBar({ seats }: { seats: DashboardView['seats'] }) {
  const total = Math.max(seats.total, seats.free + seats.held + seats.sold, 1);
  const sold = (100 * seats.sold) / total;
  const held = (100 * seats.held) / total;
  return (
    <svg
      viewBox="0 0 100 6"
      preserveAspectRatio="none"
      className="seat-bar"
      role="img"
      aria-labelledby="seat-bar-title"
    >
      <title id="seat-bar-title">{`Seats: ${seats.sold} sold, ${seats.held} held, ${seats.free} free of ${seats.total}`}</title>
      <rect x="0" y="0" width={sold} height="6" className="sold" />
      <rect x={sold} y="0" width={held} height="6" className="held" />
    </svg>
  );
}

/** Tickets sold per minute over the last hour: 60 bars, the current minute last. */
export function SalesChart({ sales }: { sales: DashboardSales }) {
  const most = Math.max(1, ...sales.tickets);
  const total = sales.tickets.reduce((a, b) => a + b, 0);
  const peak = sales.tickets.indexOf(Math.max(...sales.tickets));
  const minuteOf = (index: number) =>
    new Date(sales.startsAt + index * sales.minuteMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const summary =
    total === 0
      ? 'No tickets sold in the last hour.'
      : `${total} ticket${total === 1 ? '' : 's'} sold in the last hour; the busiest minute was ${minuteOf(peak)} with ${sales.tickets[peak]}; ${sales.tickets.at(-1)} this minute.`;
  const width = sales.tickets.length * 4;
  return (
    <figure className="sales-chart">
      <svg
        viewBox={`0 0 ${width} 40`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby="sales-title sales-desc"
        data-testid="sales-chart"
      >
        <title id="sales-title">Tickets sold per minute, last 60 minutes</title>
        <desc id="sales-desc">{summary}</desc>
        <line x1="0" y1="39.5" x2={width} y2="39.5" className="axis" />
        {sales.tickets.map((count, index) =>
          count === 0 ? null : (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: one bar per minute, the index is the minute.
              key={index}
              x={index * 4 + 0.5}
              y={40 - (38 * count) / most}
              width="3"
              height={(38 * count) / most}
            >
              <title>{`${minuteOf(index)}: ${count}`}</title>
            </rect>
          ),
        )}
      </svg>
      <figcaption className="small">
        <span className="muted">Tickets per minute ·</span> {summary}
        <span className="sales-scale muted">
          {minuteOf(0)} – now · peak {most}
        </span>
      </figcaption>
    </figure>
  );
}

const STATUS_WORDS: Readonly<Record<OrderStatus, string>> = {
  HOLDING: 'holding seats',
  PAYING: 'paying',
  CONFIRMED: 'confirmed',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled or refunded',
  FAILED: 'failed',
};

function StatusList({ counts }: { counts: Readonly<Record<OrderStatus, number>> }) {
  const most = Math.max(1, ...Object.values(counts));
  return (
    <ul className="status-bars small">
      {(Object.keys(STATUS_WORDS) as OrderStatus[]).map((status) => (
        <li key={status} data-testid={`orders-${status}`}>
          <span className="status-name">{STATUS_WORDS[status]}</span>
          <span className="status-bar" aria-hidden="true">
            <span
              className={`status-fill status-${status.toLowerCase()}`}
              style={{ width: `${(100 * counts[status]) / most}%` }}
            />
          </span>
          <span className="status-count">{counts[status]}</span>
        </li>
      ))}
    </ul>
  );
}

function TwoBar({
  left,
  right,
}: {
  left: { label: string; value: number; className: string };
  right: { label: string; value: number; className: string };
}) {
  const total = left.value + right.value;
  if (total === 0) return <p className="muted small">No payments yet.</p>;
  const share = (100 * left.value) / total;
  return (
    <svg viewBox="0 0 100 6" preserveAspectRatio="none" className="two-bar" role="img" aria-labelledby="payments-title">
      <title id="payments-title">{`${left.value} ${left.label}, ${right.value} ${right.label}`}</title>
      <rect x="0" y="0" width={share} height="6" className={left.className} />
      <rect x={share} y="0" width={100 - share} height="6" className={right.className} />
    </svg>
  );
}

function Attention({ dashboard }: { dashboard: DashboardView }) {
  const { attention, attentionCount } = dashboard;
  return (
    <section aria-label="Needs attention" className="attention">
      <h3>Needs attention {attentionCount > 0 && <span className="attention-count">{attentionCount}</span>}</h3>
      {attention.length === 0 ? (
        <p className="muted small">Nothing stuck: every order is moving or done.</p>
      ) : (
        <ul className="small">
          {attention.map((item) => (
            <li key={item.orderId}>
              <a href={`/admin/orders/${encodeURIComponent(item.orderId)}`}>{item.orderId}</a> — {item.reason}
            </li>
          ))}
          {attentionCount > attention.length && (
            <li className="muted">…and {attentionCount - attention.length} more</li>
          )}
        </ul>
      )}
    </section>
  );
}
