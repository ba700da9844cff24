import { useEffect, useRef, useState } from 'react';
import { parseLiveMessage, type SubscribeRequest } from '../../contract/live-messages';
import type { OrderView, SeatsMessage, WaitingRoomMessage } from './types';

/** `polling`: the event has as many socket viewers as it can serve; the page polls the cached snapshot. */
export type LiveStatus = 'connecting' | 'live' | 'offline' | 'polling';

export interface LiveHandlers {
  /** One tick of the seat map (deltas with the map version they apply to). */
  readonly onSeats: (message: SeatsMessage) => void;
  readonly onOrder: (order: OrderView) => void;
  /** The event's waiting room moved (only events with a waiting room send these). */
  readonly onWaitingRoom?: (message: WaitingRoomMessage) => void;
  /** Called on every (re)connect once the subscription is confirmed: refetch the snapshot, then apply deltas. */
  readonly onConnected: () => void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
/** API Gateway closes a socket after 10 minutes without a message: a ping (to $default, ignored) well before. */
export const KEEP_ALIVE_MS = 5 * 60_000;
/** A crowded-out viewer tries the socket again after about this long (the audience may have thinned). */
const CROWDED_RETRY_MS = 2 * 60_000;
/** A buyer told `crowded` asks again this soon: their open order lets them in. */
const BUYER_RETRY_MS = 2_000;
/**
 * A subscribe unanswered this long is taken as lost (a route that failed answers with API
 * Gateway's error frame or, gone, with nothing): the socket is closed and the usual reconnect
 * asks again, instead of the page waiting on a socket that will never carry the map.
 */
const SUBSCRIBE_ANSWER_MS = 15_000;

/**
 * One WebSocket per page: connects with the buyer's token, subscribes to the event, pings to stay
 * within the idle limit, and reconnects by itself with jittered exponential backoff (also at once
 * when the browser comes back online; API Gateway ends every socket after 2 h, which is one more
 * reconnect). Answered `crowded`, it closes the socket and reports `polling` — unless `buying`
 * (an open order), which always gets a socket: then it connects again at once.
 */
export function useLiveConnection(
  url: string,
  token: string | undefined,
  eventId: string,
  handlers: LiveHandlers,
  buying = false,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;
  const buyingNow = useRef(buying);
  buyingNow.current = buying;
  // Start buying while polling: a new connection (the server lets a buyer in beyond the budget).
  const [attempt, setAttempt] = useState(0);
  const crowdedWhileBuying = status === 'polling' && buying;
  useEffect(() => {
    if (crowdedWhileBuying) setAttempt((n) => n + 1);
  }, [crowdedWhileBuying]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt is the trigger for a fresh connection.
  useEffect(() => {
    let socket: WebSocket | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    let answerTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;

    const connect = () => {
      if (stopped) return;
      clearTimeout(retryTimer);
      setStatus((current) => (current === 'polling' ? current : 'connecting'));
      const ws = new WebSocket(withToken(url, token));
      socket = ws;
      ws.onopen = () => {
        failures = 0;
        // The token again: the server keeps nothing from $connect that says whose socket this is.
        const subscribe: SubscribeRequest = { action: 'subscribe', eventId, ...(token ? { token } : {}) };
        ws.send(JSON.stringify(subscribe));
        clearTimeout(answerTimer);
        answerTimer = setTimeout(() => ws.close(), SUBSCRIBE_ANSWER_MS);
        clearInterval(pingTimer);
        pingTimer = setInterval(() => {
          if (ws.readyState === WebSocket.OPEN) ws.send('{"action":"ping"}');
        }, KEEP_ALIVE_MS);
      };
      ws.onmessage = (message) => {
        if (typeof message.data !== 'string') return;
        const parsed = parseLiveMessage(message.data);
        // Live only once the server has the subscription: a snapshot fetched before that could
        // miss a change broadcast between the fetch and the subscription.
        if (parsed?.type === 'subscribed' && parsed.eventId === eventId) {
          clearTimeout(answerTimer);
          setStatus('live');
          latest.current.onConnected();
        } else if (parsed?.type === 'crowded' && parsed.eventId === eventId) {
          // No seat deltas for this socket: poll instead, and try again later.
          clearTimeout(answerTimer);
          socket = undefined;
          clearInterval(pingTimer);
          ws.close();
          setStatus('polling');
          // A buyer whose order the server did not see yet (the subscribe raced the order's claim): soon.
          const wait = buyingNow.current ? BUYER_RETRY_MS : CROWDED_RETRY_MS;
          retryTimer = setTimeout(connect, wait * (0.75 + Math.random() / 2));
        } else if (parsed?.type === 'seats') latest.current.onSeats(parsed);
        else if (parsed?.type === 'order') latest.current.onOrder(parsed.order);
        else if (parsed?.type === 'queue' && parsed.eventId === eventId) latest.current.onWaitingRoom?.(parsed);
      };
      ws.onclose = () => {
        clearInterval(pingTimer);
        clearTimeout(answerTimer);
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
      clearTimeout(answerTimer);
      clearInterval(pingTimer);
      window.removeEventListener('online', reconnectNow);
      socket?.close();
    };
  }, [url, token, eventId, attempt]);

  return status;
}

function withToken(url: string, token: string | undefined): string {
  if (!token) return url;
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}
