import { useEffect, useRef, useState } from 'react';
import type { DashboardView } from '../../contract/dashboard-view';
import { parseLiveMessage, type SubscribeRequest } from '../../contract/live-messages';
import { ApiError } from './api';
import type { StaffApi } from './staff-api';

/** `live`: pushed over the operator's socket; `polling`: the socket is down, the route is read every few seconds. */
export type DashboardFeed = 'connecting' | 'live' | 'polling';

/** How often the figures are read while the socket is down. */
export const DASHBOARD_POLL_MS = 5_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;
/** API Gateway closes a socket after 10 minutes without a message: a ping (to $default, ignored) well before. */
const KEEP_ALIVE_MS = 5 * 60_000;

/**
 * An event's dashboard, kept current: an operator socket (`?staff=<operator session>`) subscribed
 * with `view: "dashboard"` receives a `dashboard` message whenever the event changes (at most about
 * once a second). Once subscribed the figures are read once (a change between that read and the
 * subscription is covered by the next push); while the socket is down the route is polled and the
 * socket is tried again with jittered backoff. Pushed and read figures are kept by `computedAt`.
 */
export function useDashboard(
  api: StaffApi,
  operator: string,
  eventId: string,
  onExpired: () => void,
): { dashboard?: DashboardView; feed: DashboardFeed; error?: string } {
  const [dashboard, setDashboard] = useState<DashboardView>();
  const [feed, setFeed] = useState<DashboardFeed>('connecting');
  const [error, setError] = useState<string>();
  const expired = useRef(onExpired);
  expired.current = onExpired;

  useEffect(() => {
    if (!eventId) return;
    setDashboard(undefined);
    setError(undefined);
    let stopped = false;
    let socket: WebSocket | undefined;
    let pollTimer: ReturnType<typeof setInterval> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;
    let failures = 0;

    const keep = (next: DashboardView) => {
      if (stopped || next.eventId !== eventId) return;
      setDashboard((current) => (current && current.computedAt > next.computedAt ? current : next));
      setError(undefined);
    };
    const read = () =>
      api.dashboard(operator, eventId).then(keep, (cause: unknown) => {
        if (stopped) return;
        if (cause instanceof ApiError && cause.status === 401) expired.current();
        else setError(cause instanceof Error ? cause.message : String(cause));
      });
    const startPolling = () => {
      setFeed('polling');
      if (pollTimer === undefined) pollTimer = setInterval(read, DASHBOARD_POLL_MS);
    };
    const stopPolling = () => {
      clearInterval(pollTimer);
      pollTimer = undefined;
    };

    const connect = () => {
      if (stopped) return;
      if (!api.websocketUrl) {
        startPolling();
        return;
      }
      const separator = api.websocketUrl.includes('?') ? '&' : '?';
      const ws = new WebSocket(`${api.websocketUrl}${separator}staff=${encodeURIComponent(operator)}`);
      socket = ws;
      ws.onopen = () => {
        const subscribe: SubscribeRequest = { action: 'subscribe', eventId, view: 'dashboard' };
        ws.send(JSON.stringify(subscribe));
        pingTimer = setInterval(() => {
          if (ws.readyState === WebSocket.OPEN) ws.send('{"action":"ping"}');
        }, KEEP_ALIVE_MS);
      };
      ws.onmessage = (message) => {
        if (typeof message.data !== 'string') return;
        const parsed = parseLiveMessage(message.data);
        if (parsed?.type === 'subscribed' && parsed.eventId === eventId && parsed.view === 'dashboard') {
          failures = 0;
          stopPolling();
          setFeed('live');
          void read();
        } else if (parsed?.type === 'dashboard') keep(parsed.dashboard);
        else if (parsed?.type === 'error') ws.close(); // refused (an expired session): polling tells why
      };
      ws.onclose = () => {
        clearInterval(pingTimer);
        if (socket !== ws || stopped) return;
        socket = undefined;
        startPolling();
        void read();
        const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures) * (0.5 + Math.random() / 2);
        failures += 1;
        retryTimer = setTimeout(connect, delay);
      };
      ws.onerror = () => ws.close();
    };

    setFeed('connecting');
    void read(); // figures at once, whatever the socket does
    connect();
    return () => {
      stopped = true;
      stopPolling();
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      socket?.close();
    };
  }, [api, operator, eventId]);

  return { dashboard, feed, ...(error === undefined ? {} : { error }) };
}
