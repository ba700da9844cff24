import { useEffect, useState } from 'react';
import { AdminPage } from './AdminPage';
import { loadConfig } from './config';
import { DoorPage } from './DoorPage';
import { OutboxPage } from './OutboxPage';
import { StaffApi } from './staff-api';
import { TicketsPage } from './TicketsPage';
import type { Route } from './useRoute';

export type StaffRoute = Extract<Route, { page: 'admin' | 'door' | 'tickets' | 'outbox' }>;

export function isStaffRoute(route: Route): route is StaffRoute {
  return route.page === 'admin' || route.page === 'door' || route.page === 'tickets' || route.page === 'outbox';
}

/** The pages that need no buyer session: the console, the door, a tickets link, the local outbox. */
export function StaffPages({ route }: { route: StaffRoute }) {
  const [api, setApi] = useState<StaffApi>();
  useEffect(() => {
    let cancelled = false;
    loadConfig().then((config) => {
      if (!cancelled) setApi(new StaffApi(config.apiBaseUrl, config.websocketUrl));
    });
    return () => {
      cancelled = true;
    };
  }, []);
  if (!api) return <p className="loading">Loading…</p>;
  if (route.page === 'admin') return <AdminPage api={api} orderId={route.orderId} />;
  if (route.page === 'door') return <DoorPage api={api} />;
  if (route.page === 'outbox') return <OutboxPage api={api} />;
  return <TicketsPage api={api} orderId={route.orderId} />;
}
