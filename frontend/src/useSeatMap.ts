import { useCallback, useEffect, useRef, useState } from 'react';
import { applySeatDeltas, expandSnapshot, nextMapStep } from '../../contract/live-messages';
import type { Api } from './api';
import type { EventInfo, SeatsMessage, SeatView } from './types';

export interface SeatMapState {
  readonly event: EventInfo | undefined;
  readonly seats: readonly SeatView[];
  readonly error: string | undefined;
  /** Fetches the snapshot and merges it: a seat already newer here (from a delta) is kept. */
  readonly refresh: () => Promise<void>;
  /** One tick's deltas: applied when they follow on from the map version here, else the snapshot is refetched. */
  readonly applyTick: (message: SeatsMessage) => void;
  /** Polling instead of a socket: the compact seat map (the browser revalidates it by ETag). */
  readonly poll: () => Promise<void>;
}

export function useSeatMap(api: Api, eventId: string): SeatMapState {
  const [event, setEvent] = useState<EventInfo>();
  const [seats, setSeats] = useState<readonly SeatView[]>([]);
  const [error, setError] = useState<string>();
  const generation = useRef(0);
  /** The map version the seats here are at; undefined when unknown (deltas then wait for a snapshot). */
  const mapVersion = useRef<number | undefined>(undefined);
  /** Seats from a poll carry the map's version, not their own: a snapshot replaces them instead of merging. */
  const polled = useRef(false);

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const snapshot = await api.getSnapshot(eventId);
      if (mine !== generation.current) return; // a newer request is on its way
      setEvent(snapshot.event);
      const replace = polled.current;
      polled.current = false;
      setSeats((current) => (replace ? snapshot.seats : mergeSnapshot(current, snapshot.seats)));
      mapVersion.current = snapshot.mapVersion;
      setError(undefined);
    } catch (cause) {
      if (mine === generation.current) setError(cause instanceof Error ? cause.message : String(cause));
    }
  }, [api, eventId]);

  const poll = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const [map, snapshotEvent] = await Promise.all([
        api.getSeatMap(eventId),
        event ? Promise.resolve(undefined) : api.getSnapshot(eventId).then((s) => s.event),
      ]);
      if (mine !== generation.current) return;
      if (snapshotEvent) setEvent(snapshotEvent);
      polled.current = true;
      mapVersion.current = undefined;
      setSeats(expandSnapshot(map));
      setError(undefined);
    } catch (cause) {
      if (mine === generation.current) setError(cause instanceof Error ? cause.message : String(cause));
    }
  }, [api, eventId, event]);

  const applyTick = useCallback(
    (message: SeatsMessage) => {
      if (message.eventId !== eventId) return;
      const step = polled.current ? 'refetch' : nextMapStep(mapVersion.current, message);
      if (step === 'refetch') {
        void refresh();
        return;
      }
      if (step === 'ignore') return;
      if (message.version !== undefined) mapVersion.current = message.version;
      setSeats((current) => applySeatDeltas(current, message.seats));
    },
    [eventId, refresh],
  );

  useEffect(() => {
    setSeats([]);
    setEvent(undefined);
    mapVersion.current = undefined;
    polled.current = false;
    void refresh();
  }, [refresh]);

  return { event, seats, error, refresh, applyTick, poll };
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
