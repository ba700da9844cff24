import { useCallback, useEffect, useState } from 'react';

/**
 * A handful of pages need no router: `/` (event list), `/events/{eventId}`, and the staff and
 * link pages `/admin` (and `/admin/orders/{orderId}`, an order's story), `/door`, `/tickets/{orderId}`, `/outbox`.
 */
export type Route =
  | { page: 'list' }
  | { page: 'event'; eventId: string }
  | { page: 'admin'; orderId?: string }
  | { page: 'door' }
  | { page: 'outbox' }
  | { page: 'tickets'; orderId: string };

export function parseRoute(pathname: string): Route {
  if (/^\/admin\/?$/.test(pathname)) return { page: 'admin' };
  const story = /^\/admin\/orders\/([^/]+)\/?$/.exec(pathname);
  if (story) return { page: 'admin', orderId: decodeURIComponent(story[1]!) };
  if (/^\/door\/?$/.test(pathname)) return { page: 'door' };
  if (/^\/outbox\/?$/.test(pathname)) return { page: 'outbox' };
  const tickets = /^\/tickets\/([^/]+)\/?$/.exec(pathname);
  if (tickets) return { page: 'tickets', orderId: decodeURIComponent(tickets[1]!) };
  const match = /^\/events\/([^/]+)\/?$/.exec(pathname);
  return match ? { page: 'event', eventId: decodeURIComponent(match[1]!) } : { page: 'list' };
}

export function useRoute(): [Route, (path: string, replace?: boolean) => void] {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((path: string, replace = false) => {
    if (replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    setRoute(parseRoute(path));
  }, []);
  return [route, navigate];
}
