import { useCallback, useEffect, useState } from 'react';

/** Two pages need no router: `/` (event list) and `/events/{eventId}`. */
export type Route = { page: 'list' } | { page: 'event'; eventId: string };

export function parseRoute(pathname: string): Route {
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
