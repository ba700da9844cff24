import { useCallback, useEffect, useMemo, useState } from 'react';
import { seatPriceCents } from '../../contract/price-levels';
import { AdmissionBanner } from './AdmissionBanner';
import { useApp } from './app-context';
import { ConnectionIndicator } from './ConnectionIndicator';
import { EventDateVenue } from './EventDateVenue';
import { Legend, PriceLegend } from './Legend';
import { OrderPanel } from './OrderPanel';
import { SeatMap } from './SeatMap';
import { isPickable, type SeatState, STATE_TEXT, seatState } from './seat-state';
import { TicketList } from './TicketView';
import type { BuyerWaitingRoomStatus, OrderView } from './types';
import { type LiveStatus, useLiveConnection } from './useLiveConnection';
import { useNow } from './useNow';
import { isOpen, sameSeats, useOrders } from './useOrders';
import { useSeatMap } from './useSeatMap';
import { useWaitingRoom } from './useWaitingRoom';
import { WaitingRoom } from './WaitingRoom';
import { formatPrice, formatPriceRange } from './words';

/** One event: its waiting room (if it has one) until my turn, then the live seat map, what I hold, paying, my tickets. */
export function EventPage({ eventId, onBack }: { eventId: string; onBack: () => void }) {
  const { api, config, session } = useApp();
  const seatMap = useSeatMap(api, eventId);
  const roomOn = seatMap.event ? seatMap.event.waitingRoom?.enabled === true : undefined;
  const room = useWaitingRoom(api, eventId, roomOn);
  const orders = useOrders(api, session.buyerId, eventId, roomOn ? room.gate : undefined);
  const { refresh } = seatMap;
  const { refetchCurrent } = orders;
  const refreshRoom = room.refresh;
  const onConnected = useCallback(() => {
    void refresh();
    void refetchCurrent();
    if (roomOn) void refreshRoom();
  }, [refresh, refetchCurrent, roomOn, refreshRoom]);
  const buying = isOpen(orders.current);
  const live = useLiveConnection(
    config.websocketUrl,
    session.token,
    eventId,
    {
      onSeats: seatMap.applyTick,
      onOrder: orders.applyOrder,
      onWaitingRoom: room.applyWaitingRoomMessage,
      onConnected,
    },
    buying,
  );
  const now = useNow(1000);
  const [draft, setDraft] = useState<ReadonlySet<string>>();
  const [hint, setHint] = useState<string>();

  const current = orders.current;
  const open = isOpen(current) ? current : undefined;
  const holding = open?.status === 'HOLDING' ? open : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the dependencies are the trigger: a new order or status drops the draft.
  useEffect(() => setDraft(undefined), [current?.orderId, current?.status]);
  // A refusal (seats taken, hold expired…) means the map here is behind: fetch it now.
  useEffect(() => {
    if (orders.notice?.kind === 'error') void refresh();
  }, [orders.notice, refresh]);

  // My order moved (held, paying, confirmed, expired…): the map is refetched too, so my own seats
  // are right even if a seat delta was lost on the way. With a waiting room, an order starting or
  // ending also moves my turn (PURCHASING, DONE): ask the queue too.
  const currentStatus = current?.status;
  useEffect(() => {
    if (currentStatus === undefined) return;
    void refresh();
    if (roomOn) void refreshRoom();
  }, [currentStatus, refresh, roomOn, refreshRoom]);

  const stage = roomOn === true ? roomStage(room.status, current) : 'shop';
  const canOrder = room.status?.state === 'ADMITTED' || room.status?.state === 'PURCHASING';
  // Let in from the line: the socket kept the map current, but a fresh snapshot is cheap insurance.
  useEffect(() => {
    if (stage === 'shop' && roomOn) void refresh();
  }, [stage, roomOn, refresh]);

  usePolling(live, open, orders.pendingChange !== undefined, now, refetchCurrent, refresh, seatMap.poll);

  const heldByMe = useMemo(() => new Set(open?.seatIds ?? []), [open]);
  const wanted = useMemo(() => draft ?? new Set(holding?.seatIds ?? []), [draft, holding]);
  const context = { heldByMe, confirmedByMe: orders.confirmedSeatIds, wanted, now };
  const states = new Map<string, SeatState>(seatMap.seats.map((seat) => [seat.seatId, seatState(seat, context)]));
  // What the buyer would hold now: wanted seats that are still theirs to take.
  const chosen = [...wanted].filter((id) => {
    const state = states.get(id);
    return state === 'selected' || state === 'held-by-me';
  });
  const changed = holding !== undefined && !sameSeats(chosen, holding.seatIds);
  const event = seatMap.event;
  const max = event?.maxSeatsPerOrder ?? 6;
  const locked = orders.busy || current?.status === 'PAYING' || orders.pendingChange !== undefined;

  const toggle = (seatId: string) => {
    const state = states.get(seatId);
    if (!state) return;
    if (roomOn && !canOrder && !open) {
      setHint('Your turn is over; join the line again to buy more.');
      return;
    }
    if (!isPickable(state)) {
      setHint(`${seatId} is ${STATE_TEXT[state].long}; choose a free seat.`);
      return;
    }
    if (locked) {
      setHint(current?.status === 'PAYING' ? 'Your payment is in progress; seats cannot change now.' : 'One moment…');
      return;
    }
    const next = new Set(chosen);
    if (next.has(seatId)) next.delete(seatId);
    else if (next.size >= max) {
      setHint(`At most ${max} seats per order.`);
      return;
    } else next.add(seatId);
    setHint(undefined);
    orders.clearNotice();
    setDraft(next);
  };

  if (seatMap.error && !event) {
    return (
      <div className="notice error" role="alert">
        Could not load this event: {seatMap.error}{' '}
        <button type="button" className="link" onClick={onBack}>
          All events
        </button>
      </div>
    );
  }
  if (!event) return <p className="loading">Loading the seat map…</p>;

  const rejoin = () => {
    orders.dismiss();
    setHint(undefined);
    void room.join();
  };
  const admittedUntil = room.status?.state === 'ADMITTED' && !open ? room.status.admissionExpiresAt : undefined;

  return (
    <div className="event-page">
      <div className="event-head">
        <div>
          <h1>{event.name}</h1>
          <p className="muted">
            <EventDateVenue event={event} />
            {formatPriceRange(event)} per seat · up to {max} seats per order · holds last{' '}
            {Math.round(event.holdSeconds / 60) >= 1
              ? `${Math.round(event.holdSeconds / 60)} min`
              : `${event.holdSeconds} s`}
          </p>
        </div>
        <ConnectionIndicator status={live} />
      </div>
      {stage !== 'shop' ? (
        <div className="room-layout">
          <WaitingRoom
            status={stage === 'loading' ? undefined : room.status}
            note={room.note}
            error={room.error}
            busy={room.busy}
            retryAt={room.retryAt}
            liveDown={live !== 'live'}
            onJoin={rejoin}
            onLeave={() => void room.leave()}
            onBack={onBack}
          />
          <TicketList orders={orders.confirmedOrders} />
        </div>
      ) : (
        <>
          {admittedUntil !== undefined && <AdmissionBanner expiresAt={admittedUntil} now={now} />}
          <div className="event-body">
            <section className="map-column" aria-label="Seat map">
              <SeatMap
                rows={event.rows}
                seatsPerRow={event.seatsPerRow}
                seats={seatMap.seats}
                states={states}
                releasing={holding ? new Set(holding.seatIds.filter((id) => !chosen.includes(id))) : new Set()}
                holdExpiresAt={
                  open?.status === 'PAYING' ? (open.paymentDeadline ?? open.holdExpiresAt) : open?.holdExpiresAt
                }
                now={now}
                onToggle={toggle}
                priceOf={(seatId) => formatPrice(seatPriceCents(event, seatId), event.currency)}
              />
              <p className="hint" role="status" aria-live="polite">
                {hint ?? ''}
              </p>
              <PriceLegend event={event} />
              <Legend />
            </section>
            <aside className="panel-column">
              <OrderPanel
                event={event}
                orders={orders}
                chosen={chosen}
                changed={changed}
                locked={locked}
                now={now}
                liveDown={live !== 'live'}
                onClear={() => setDraft(new Set())}
                onUndo={() => setDraft(undefined)}
                {...(roomOn ? { room: { canOrder, onRejoin: rejoin } } : {})}
              />
              <TicketList orders={orders.confirmedOrders} />
            </aside>
          </div>
        </>
      )}
    </div>
  );
}

/**
 * What an event with a waiting room shows: the line until my turn, the seat map while my turn
 * (or an order of mine) lasts, and the outcome of that order once the turn is over.
 */
function roomStage(
  status: BuyerWaitingRoomStatus | undefined,
  current: OrderView | undefined,
): 'loading' | 'line' | 'shop' {
  if (isOpen(current)) return 'shop';
  if (!status) return 'loading';
  switch (status.state) {
    case 'ADMITTED':
    case 'PURCHASING':
      return 'shop';
    case 'DONE':
      return current ? 'shop' : 'line';
    default:
      return 'line';
  }
}

/**
 * The socket is the fast path. Without it (or as a slow safety net with it) the order is polled
 * while something is in flight, and the map is refetched while the socket is down.
 */
/**
 * What the page fetches by itself: my order while it is in flight or overdue; the map while the
 * socket is down (the full snapshot every 5 s) or while the event is crowded (the compact map about
 * every second, revalidated by ETag; CloudFront answers most of these on AWS).
 */
function usePolling(
  live: LiveStatus,
  open: { status: string; holdExpiresAt: number } | undefined,
  changing: boolean,
  now: number,
  refetchOrder: () => Promise<void>,
  refetchMap: () => Promise<void>,
  pollMap: () => Promise<void>,
) {
  const socketUp = live === 'live';
  const inFlight = open?.status === 'PAYING' || changing;
  const overdue = open?.status === 'HOLDING' && now > open.holdExpiresAt + 2000;
  useEffect(() => {
    if (!inFlight && !overdue) return;
    const timer = setInterval(() => void refetchOrder(), socketUp && !overdue ? 5000 : 1000);
    return () => clearInterval(timer);
  }, [inFlight, overdue, socketUp, refetchOrder]);
  useEffect(() => {
    if (live === 'live' || live === 'polling') return;
    const timer = setInterval(() => void refetchMap(), 5000);
    return () => clearInterval(timer);
  }, [live, refetchMap]);
  useEffect(() => {
    if (live !== 'polling') return;
    void pollMap();
    const timer = setInterval(() => void pollMap(), POLL_MS);
    return () => clearInterval(timer);
  }, [live, pollMap]);
}

/** A crowded-out viewer's poll period (the server's `crowded` answer says 1 s by default). */
const POLL_MS = 1000;
