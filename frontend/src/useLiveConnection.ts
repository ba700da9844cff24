import { useEffect, useRef, useState } from 'react';
import { parseLiveMessage, type SubscribeRequest } from '../../contract/live-messages';
import type { OrderView, SeatDelta, WaitingRoomMessage } from './types';

export type LiveStatus = 'connecting' | 'live' | 'offline';

export interface LiveHandlers {
  readonly onSeats: (eventId: string, seats: readonly SeatDelta[]) => void;
  readonly onOrder: (order: OrderView) => void;
  /** The event's waiting room moved (only events with a waiting room send these). */
  readonly onWaitingRoom?: (message: WaitingRoomMessage) => void;
  /** Called on every (re)connect once the subscription is confirmed: refetch the snapshot, then apply deltas. */
  readonly onConnected: () => void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/**
 * One WebSocket per page: connects with the buyer's token, subscribes to the event, and reconnects
 * by itself with jittered exponential backoff (also at once when the browser comes back online).
 */
export function useLiveConnection(
  url: string,
  token: string | undefined,
  eventId: string,
  handlers: LiveHandlers,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    let socket: WebSocket | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;

    const connect = () => {
      if (stopped) return;
      clearTimeout(retryTimer);
      setStatus('connecting');
      const ws = new WebSocket(withToken(url, token));
      socket = ws;
      ws.onopen = () => {
        failures = 0;
        const subscribe: SubscribeRequest = { action: 'subscribe', eventId };
        ws.send(JSON.stringify(subscribe));
      };
      ws.onmessage = (message) => {
        if (typeof message.data !== 'string') return;
        const parsed = parseLiveMessage(message.data);
        // Live only once the server has the subscription: a snapshot fetched before that could
        // miss a change broadcast between the fetch and the subscription.
        if (parsed?.type === 'subscribed' && parsed.eventId === eventId) {
          setStatus('live');
          latest.current.onConnected();
        } else if (parsed?.type === 'seats') latest.current.onSeats(parsed.eventId, parsed.seats);
        else if (parsed?.type === 'order') latest.current.onOrder(parsed.order);
        else if (parsed?.type === 'queue' && parsed.eventId === eventId) latest.current.onWaitingRoom?.(parsed);
      };
      ws.onclose = () => {
        if (socket !== ws || stopped) return;
        socket = undefined;
        setStatus('offline');
        const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures) * (0.5 + Math.random() / 2);
        failures += 1;
        retryTimer = setTimeout(connect, delay);
      };
      ws.onerror = () => ws.close();
    };

    const reconnectNow = () => {
      if (!socket) connect();
    };
    window.addEventListener('online', reconnectNow);
    connect();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      window.removeEventListener('online', reconnectNow);
      socket?.close();
    };
  }, [url, token, eventId]);

  return status;
}

function withToken(url: string, token: string | undefined): string {
  if (!token) return url;
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}
