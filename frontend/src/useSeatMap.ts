import { useCallback, useEffect, useRef, useState } from 'react';
import { applySeatDeltas } from '../../contract/live-messages';
import type { Api } from './api';
import type { EventInfo, SeatDelta, SeatView } from './types';

export interface SeatMapState {
  readonly event: EventInfo | undefined;
  readonly seats: readonly SeatView[];
  readonly error: string | undefined;
  /** Fetches the snapshot and merges it: a seat already newer here (from a delta) is kept. */
  readonly refresh: () => Promise<void>;
  readonly applyDeltas: (eventId: string, deltas: readonly SeatDelta[]) => void;
}

export function useSeatMap(api: Api, eventId: string): SeatMapState {
  const [event, setEvent] = useState<EventInfo>();
  const [seats, setSeats] = useState<readonly SeatView[]>([]);
  const [error, setError] = useState<string>();
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const snapshot = await api.getSnapshot(eventId);
      if (mine !== generation.current) return; // a newer request is on its way
      setEvent(snapshot.event);
      setSeats((current) => mergeSnapshot(current, snapshot.seats));
      setError(undefined);
    } catch (cause) {
      if (mine === generation.current) setError(cause instanceof Error ? cause.message : String(cause));
    }
  }, [api, eventId]);

  const applyDeltas = useCallback(
    (deltaEventId: string, deltas: readonly SeatDelta[]) => {
      if (deltaEventId === eventId) setSeats((current) => applySeatDeltas(current, deltas));
    },
    [eventId],
  );

  useEffect(() => {
    setSeats([]);
    setEvent(undefined);
    void refresh();
  }, [refresh]);

  return { event, seats, error, refresh, applyDeltas };
}

/**
 * Versions only grow, so the higher version is the newer state. On a tie the snapshot wins: it
 * already shows a lapsed hold as available, which no delta announces.
 */
function mergeSnapshot(current: readonly SeatView[], snapshot: readonly SeatView[]): readonly SeatView[] {
  const known = new Map(current.map((seat) => [seat.seatId, seat]));
  return snapshot.map((seat) => {
    const mine = known.get(seat.seatId);
    return mine && mine.version > seat.version
      ? { ...seat, status: mine.status, version: mine.version, holdExpiresAt: mine.holdExpiresAt }
      : seat;
  });
}
