import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { newerOrder } from '../../contract/live-messages';
import { type Api, ApiError } from './api';
import { forgetOrder, rememberOrder, storedOrderIds } from './order-storage';
import type { OrderView } from './types';
import { describeApiError } from './words';

export interface Notice {
  readonly kind: 'error' | 'info';
  readonly text: string;
}

/** A change of seats sent to the flow and not yet seen on the order. */
export interface PendingChange {
  readonly seatIds: readonly string[];
  readonly sinceVersion: number;
  readonly sentAt: number;
}

export interface OrdersState {
  readonly loaded: boolean;
  /** The order the panel is about (the newest one of this event), if any. */
  readonly current: OrderView | undefined;
  readonly confirmedSeatIds: ReadonlySet<string>;
  readonly confirmedOrders: readonly OrderView[];
  readonly busy: boolean;
  readonly notice: Notice | undefined;
  readonly pendingChange: PendingChange | undefined;
  readonly applyOrder: (order: OrderView) => void;
  readonly hold: (choice: { seatIds: string[] } | { quantity: number }) => Promise<OrderView | undefined>;
  readonly changeSeats: (seatIds: string[]) => Promise<void>;
  readonly pay: (code: string) => Promise<void>;
  readonly cancel: () => Promise<void>;
  readonly dismiss: () => void;
  readonly refetchCurrent: () => Promise<void>;
  readonly clearNotice: () => void;
}

/** For events with a waiting room: the admission a new order needs, and what to do when refused. */
export interface AdmissionGate {
  /** Sent as `x-admission-token` when an order is created. */
  readonly token: () => string | undefined;
  /** Creating an order failed (403 AdmissionRequired, 409 SoldOut…): the queue has news. */
  readonly onCreateFailed: (error: unknown) => void;
}

const OPEN = new Set(['HOLDING', 'PAYING']);
const RECENT_MS = 10 * 60_000;
export const isOpen = (order: OrderView | undefined): order is OrderView => !!order && OPEN.has(order.status);

/**
 * This buyer's orders for one event: resumed from localStorage after a refresh, kept current from
 * `{type:"order"}` messages (highest version wins) or from GET when the socket is down.
 */
export function useOrders(api: Api, buyerId: string, eventId: string, gate?: AdmissionGate): OrdersState {
  const [orders, setOrders] = useState<ReadonlyMap<string, OrderView>>(new Map());
  const [currentId, setCurrentId] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [pendingChange, setPendingChange] = useState<PendingChange>();
  const currentIdRef = useRef<string>(undefined);
  currentIdRef.current = currentId;
  const gateRef = useRef(gate);
  gateRef.current = gate;

  const applyOrder = useCallback(
    (order: OrderView) => {
      if (order.eventId !== eventId) return;
      setOrders((previous) => {
        const kept = previous.get(order.orderId);
        const newer = newerOrder(kept, order);
        if (newer === kept) return previous;
        const next = new Map(previous);
        next.set(order.orderId, newer);
        return next;
      });
      if (!currentIdRef.current || (isOpen(order) && currentIdRef.current !== order.orderId)) {
        rememberOrder(buyerId, eventId, order.orderId);
        setCurrentId(order.orderId);
      }
      setPendingChange((pending) => (pending && changeSettled(pending, order) ? undefined : pending));
    },
    [buyerId, eventId],
  );

  // Resume: fetch every order this browser remembers for the event.
  useEffect(() => {
    let cancelled = false;
    setOrders(new Map());
    setCurrentId(undefined);
    setLoaded(false);
    const ids = storedOrderIds(buyerId, eventId);
    void Promise.all(
      ids.map((id) =>
        api.getOrder(id).catch((error: unknown) => {
          if (error instanceof ApiError && (error.status === 404 || error.status === 403))
            forgetOrder(buyerId, eventId, id);
          return undefined;
        }),
      ),
    ).then((found) => {
      if (cancelled) return;
      const present = found.filter((o): o is OrderView => !!o && o.eventId === eventId);
      setOrders(new Map(present.map((o) => [o.orderId, o])));
      // Resume the open order; an ended one only while its outcome is news (a few minutes).
      const resumed =
        present.findLast((o) => isOpen(o)) ?? present.findLast((o) => Date.now() - o.updatedAt < RECENT_MS);
      setCurrentId(resumed?.orderId);
      setLoaded(true);
    });
    return () => {
      cancelled = true;
    };
  }, [api, buyerId, eventId]);

  const current = currentId ? orders.get(currentId) : undefined;

  // A function expression, not a generic arrow: in a .tsx file `async <T>(…) =>` is read differently
  // by the bundler once a formatter drops the `<T,>` comma (the page then lost its order updates).
  const run = useCallback(async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setNotice(undefined);
    try {
      return await work();
    } catch (error) {
      setNotice({ kind: 'error', text: describeApiError(error) });
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);

  const hold = useCallback(
    (choice: { seatIds: string[] } | { quantity: number }) =>
      run(async () => {
        const { order, created } = await api
          .createOrder(eventId, choice, gateRef.current?.token())
          .catch((error: unknown) => {
            gateRef.current?.onCreateFailed(error);
            throw error;
          });
        rememberOrder(buyerId, eventId, order.orderId);
        setCurrentId(order.orderId);
        applyOrder(order);
        // An open order already existed (another tab, or a lost id): move it to the chosen seats.
        if (
          !created &&
          'seatIds' in choice &&
          !sameSeats(order.seatIds, choice.seatIds) &&
          order.status === 'HOLDING'
        ) {
          const changed = await api.changeSeats(order.orderId, choice.seatIds);
          setPendingChange({ seatIds: choice.seatIds, sinceVersion: changed.version, sentAt: Date.now() });
          applyOrder(changed);
        }
        return order;
      }),
    [api, applyOrder, buyerId, eventId, run],
  );

  const changeSeats = useCallback(
    async (seatIds: string[]) => {
      const orderId = currentIdRef.current;
      if (!orderId) return;
      await run(async () => {
        const order = await api.changeSeats(orderId, seatIds);
        setPendingChange({ seatIds, sinceVersion: order.version, sentAt: Date.now() });
        applyOrder(order);
      });
    },
    [api, applyOrder, run],
  );

  const pay = useCallback(
    async (code: string) => {
      const orderId = currentIdRef.current;
      if (orderId) await run(async () => applyOrder(await api.pay(orderId, code)));
    },
    [api, applyOrder, run],
  );

  const cancel = useCallback(async () => {
    const orderId = currentIdRef.current;
    if (orderId) await run(async () => applyOrder(await api.cancel(orderId)));
  }, [api, applyOrder, run]);

  const refetchCurrent = useCallback(async () => {
    const orderId = currentIdRef.current;
    if (!orderId) return;
    try {
      applyOrder(await api.getOrder(orderId));
    } catch {
      // the socket or the next poll will tell
    }
  }, [api, applyOrder]);

  // A change the flow never reported (socket down, or it was refused silently) stops blocking after a while.
  useEffect(() => {
    if (!pendingChange) return;
    const timer = setTimeout(() => setPendingChange(undefined), 15_000);
    return () => clearTimeout(timer);
  }, [pendingChange]);

  const confirmedOrders = useMemo(() => [...orders.values()].filter((o) => o.status === 'CONFIRMED'), [orders]);
  const confirmedSeatIds = useMemo(() => new Set(confirmedOrders.flatMap((o) => o.seatIds)), [confirmedOrders]);

  return {
    loaded,
    current,
    confirmedSeatIds,
    confirmedOrders,
    busy,
    notice,
    pendingChange,
    applyOrder,
    hold,
    changeSeats,
    pay,
    cancel,
    dismiss: () => {
      setCurrentId(undefined);
      setNotice(undefined);
    },
    refetchCurrent,
    clearNotice: () => setNotice(undefined),
  };
}

function changeSettled(pending: PendingChange, order: OrderView): boolean {
  if (order.version <= pending.sinceVersion) return false;
  return sameSeats(order.seatIds, pending.seatIds) || order.lastChangeError !== undefined || !isOpen(order);
}

export function sameSeats(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}
