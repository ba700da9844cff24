import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type Api, ApiError } from './api';
import type { BuyerWaitingRoomStatus, WaitingRoomMessage } from './types';
import type { AdmissionGate } from './useOrders';
import { describeApiError } from './words';

/** Why the buyer is (back) in the waiting room, when it is not simply their first visit. */
export type RoomNote = 'admission-lapsed' | 'turn-ran-out';

export interface WaitingRoomState {
  /** Undefined until the first answer (or when the event has no waiting room). */
  readonly status: BuyerWaitingRoomStatus | undefined;
  readonly note: RoomNote | undefined;
  readonly error: string | undefined;
  readonly busy: boolean;
  /** Refused as too many requests (429): when the page asks again by itself (epoch ms). */
  readonly retryAt: number | undefined;
  /** Joins (again): the same place while it is still mine, else a new one at the back. */
  readonly join: () => Promise<void>;
  readonly leave: () => Promise<void>;
  readonly refresh: () => Promise<void>;
  readonly applyWaitingRoomMessage: (message: WaitingRoomMessage) => void;
  /** For useOrders: the admission token on order creation, and a refusal sends us back in line. */
  readonly gate: AdmissionGate;
}

const WAITING_POLL_MS = 5_000;
/** The public counter (cached 2 s): how the line's progress reaches a page without a socket. */
const COUNTER_POLL_MS = 2_000;
const SLOT_POLL_MS = 10_000;
/** In line without a number yet ("taking your place"): ask again soon, the number comes within a second or so. */
const NUMBERING_POLL_MS = 1_000;

/**
 * The buyer's place in an event's waiting room (docs/API.md, "Waiting room"). On arrival: read
 * the place, join when not in line yet (the same buyer gets the same position back, so a refresh
 * keeps it). `{type:"queue"}` messages move it along live; a GET every few seconds is the safety
 * net, and one goes out at once when the line reaches my position (that GET carries the token).
 * `enabled` is undefined while the event is loading; false turns the whole hook off.
 */
export function useWaitingRoom(api: Api, eventId: string, enabled: boolean | undefined): WaitingRoomState {
  const [status, setStatus] = useState<BuyerWaitingRoomStatus>();
  const [note, setNote] = useState<RoomNote>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [retryAt, setRetryAt] = useState<number>();
  const retryTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(retryTimer.current), []);
  const statusRef = useRef<BuyerWaitingRoomStatus>(undefined);
  statusRef.current = status;
  const lastMessage = useRef<WaitingRoomMessage>(undefined);
  const wasAdmitted = useRef(false);

  /** Takes a server answer; a newer queue message already seen still counts (serving only grows). */
  const accept = useCallback((answer: BuyerWaitingRoomStatus) => {
    const message = lastMessage.current;
    const merged =
      message && message.servingPosition > answer.servingPosition ? withWaitingRoomMessage(answer, message) : answer;
    // Admitted, then the slot is gone without an order: the turn ran out unused.
    if (merged.state === 'ADMITTED') wasAdmitted.current = true;
    else if (merged.state === 'PURCHASING' || merged.state === 'WAITING') wasAdmitted.current = false;
    else if (merged.state === 'DONE' && wasAdmitted.current && turnRanOut(statusRef.current, merged)) {
      wasAdmitted.current = false;
      setNote('turn-ran-out');
    }
    setStatus(merged);
    setError(undefined);
    setRetryAt(undefined);
  }, []);

  /**
   * Joins and leaves change my place; a read that overlaps one may tell the old place, so it is
   * dropped. `epoch` moves when a change starts and when it ends; a change's answer counts unless
   * a newer change started meanwhile.
   */
  const epoch = useRef(0);
  const changing = useRef(0);
  const callRef = useRef<(work: () => Promise<BuyerWaitingRoomStatus>, change: boolean) => Promise<void>>(undefined);
  const call = useCallback(
    async (work: () => Promise<BuyerWaitingRoomStatus>, change: boolean) => {
      if (!change && changing.current > 0) return;
      const mine = ++epoch.current;
      if (change) {
        changing.current += 1;
        setBusy(true);
      }
      try {
        const answer = await work();
        if (mine === epoch.current) accept(answer);
      } catch (cause) {
        if (cause instanceof ApiError && cause.status === 429) {
          // Too many requests (the abuse limits): wait what the server says, then ask again by
          // ourselves. Nothing is lost meanwhile: a place in line is kept on the server, and a
          // join asked again returns the same place.
          const wait = (cause.retryAfterSeconds ?? 1) * 1000;
          clearTimeout(retryTimer.current);
          setRetryAt(Date.now() + wait);
          retryTimer.current = setTimeout(() => void callRef.current?.(work, change), wait);
        } else if (mine === epoch.current) setError(describeApiError(cause));
      } finally {
        if (change) {
          changing.current -= 1;
          epoch.current += 1;
          setBusy(changing.current > 0);
        }
      }
    },
    [accept],
  );
  callRef.current = call;

  const refresh = useCallback(() => call(() => api.getWaitingRoom(eventId), false), [api, call, eventId]);
  const join = useCallback(async () => {
    setNote(undefined);
    await call(() => api.claimPosition(eventId), true);
  }, [api, call, eventId]);
  const leave = useCallback(async () => {
    setNote(undefined);
    await call(() => api.giveUpPlace(eventId), true);
  }, [api, call, eventId]);

  // Arrival: where am I? Join only if not in line yet; a buyer who left or had their turn chooses.
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    void call(async () => {
      const place = await api.getWaitingRoom(eventId);
      return place.state === 'NOT_JOINED' && !cancelled ? api.claimPosition(eventId) : place;
    }, true);
    return () => {
      cancelled = true;
    };
  }, [api, call, enabled, eventId]);

  const applyWaitingRoomMessage = useCallback(
    (message: WaitingRoomMessage) => {
      if (!enabled || message.eventId !== eventId) return;
      if (lastMessage.current && lastMessage.current.version >= message.version) return;
      lastMessage.current = message;
      const current = statusRef.current;
      if (!current) return;
      const next = withWaitingRoomMessage(current, message);
      statusRef.current = next;
      setStatus(next);
      // My turn (the GET admits me and returns the token), or my slot may have ended.
      if (myTurn(next) || current.state === 'PURCHASING') void refresh();
    },
    [enabled, eventId, refresh],
  );

  // The safety net: poll while waiting, slower while holding a slot, and at the admission deadline.
  const state = status?.state;
  const numbered = status?.position !== undefined;
  const checkInEverySeconds = status?.checkInEverySeconds;
  const salesStartAt = status?.salesStartAt;
  const admissionExpiresAt = status?.admissionExpiresAt;
  useEffect(() => {
    if (!enabled || (state !== 'WAITING' && state !== 'ADMITTED' && state !== 'PURCHASING' && state !== 'PRE_QUEUE'))
      return;
    // Waiting, my own status is my check-in: once per check-in interval, so the line never takes
    // me for gone; the line's progress comes from the socket and the cacheable public counter.
    const waiting = state === 'WAITING' || state === 'PRE_QUEUE';
    const every =
      state === 'WAITING' && !numbered
        ? NUMBERING_POLL_MS
        : waiting
          ? Math.max(WAITING_POLL_MS, (checkInEverySeconds ?? 5) * 1000)
          : SLOT_POLL_MS;
    const timer = setInterval(() => void refresh(), every);
    return () => clearInterval(timer);
  }, [enabled, state, numbered, refresh, checkInEverySeconds]);
  useEffect(() => {
    if (!enabled || state !== 'WAITING') return;
    const timer = setInterval(() => {
      api.getRoomCounter(eventId).then(
        (room) =>
          applyWaitingRoomMessage({
            type: 'queue',
            eventId: room.eventId,
            servingPosition: room.servingPosition,
            activePurchasers: room.activePurchasers,
            soldOut: room.soldOut,
            version: room.version,
          }),
        () => undefined, // the next tick, or my own status, tells
      );
    }, COUNTER_POLL_MS);
    return () => clearInterval(timer);
  }, [api, enabled, eventId, state, applyWaitingRoomMessage]);
  // A fair start: ask again just after the sale opens (the draw gives the place), spread over 2 s
  // so the whole pre-queue does not ask in the same instant.
  useEffect(() => {
    if (!enabled || state !== 'PRE_QUEUE' || salesStartAt === undefined) return;
    const wait = Math.max(0, Date.parse(salesStartAt) - Date.now()) + 250 + Math.random() * 2_000;
    const timer = setTimeout(() => void refresh(), wait);
    return () => clearTimeout(timer);
  }, [enabled, state, salesStartAt, refresh]);
  useEffect(() => {
    if (!enabled || state !== 'ADMITTED' || admissionExpiresAt === undefined) return;
    const timer = setTimeout(() => void refresh(), Math.max(0, admissionExpiresAt - Date.now()) + 1_000);
    return () => clearTimeout(timer);
  }, [enabled, state, admissionExpiresAt, refresh]);

  const gate = useMemo<AdmissionGate>(
    () => ({
      token: () => statusRef.current?.admissionToken,
      onCreateFailed: (cause) => {
        if (cause instanceof ApiError && cause.code === 'AdmissionRequired') {
          // The admission lapsed before the order started: back in line (at the back), and say why.
          wasAdmitted.current = false;
          void call(() => api.claimPosition(eventId), true).then(() => setNote('admission-lapsed'));
        } else void refresh(); // sold out ends the admission; seats taken keeps it: ask
      },
    }),
    [api, call, eventId, refresh],
  );

  return { status, note, error, busy, retryAt, join, leave, refresh, applyWaitingRoomMessage, gate };
}

/** Admitted before, over now, and not because the seats ran out: the turn's time ran out unused. */
function turnRanOut(before: BuyerWaitingRoomStatus | undefined, after: BuyerWaitingRoomStatus): boolean {
  const deadline = before?.state === 'ADMITTED' ? before.admissionExpiresAt : undefined;
  return deadline !== undefined && Date.now() >= deadline - 2_000 && !after.soldOut;
}

/** Waiting, and the line has reached my position. */
function myTurn(status: BuyerWaitingRoomStatus): boolean {
  return status.state === 'WAITING' && status.position !== undefined && status.servingPosition >= status.position;
}

/**
 * A queue message applied to my status: serving only grows; people ahead = position −
 * servingPosition − 1; the wait estimate scales with the people ahead (the server's is linear).
 */
export function withWaitingRoomMessage(
  status: BuyerWaitingRoomStatus,
  message: WaitingRoomMessage,
): BuyerWaitingRoomStatus {
  const servingPosition = Math.max(status.servingPosition, message.servingPosition);
  const moved = { ...status, servingPosition, activePurchasers: message.activePurchasers, soldOut: message.soldOut };
  if (status.state !== 'WAITING' || status.position === undefined) return moved;
  const peopleAhead = Math.max(0, status.position - servingPosition - 1);
  const estimatedWaitSeconds =
    status.estimatedWaitSeconds === undefined
      ? undefined
      : Math.ceil((status.estimatedWaitSeconds * (peopleAhead + 1)) / (status.peopleAhead + 1));
  return { ...moved, peopleAhead, estimatedWaitSeconds };
}
