import { type ReactNode, useEffect, useState } from 'react';
import { Api } from './api';
import { AppContext, type AppServices } from './app-context';
import { loadConfig } from './config';
import { EventList } from './EventList';
import { EventPage } from './EventPage';
import { isStaffRoute, StaffPages } from './StaffPages';
import { SessionKeeper } from './session';
import { type Route, useRoute } from './useRoute';

/** The buyer's pages, or the console, the door and a tickets link (which start no buyer session). */
export function App() {
  const [route, navigate] = useRoute();
  return isStaffRoute(route) ? (
    <AppFrame navigate={navigate}>
      <StaffPages route={route} />
    </AppFrame>
  ) : (
    <BuyerPages route={route} navigate={navigate} />
  );
}

/** Loads /config.json and the buyer session, then shows the event list or one event's seat map. */
function BuyerPages({ route, navigate }: { route: Route; navigate: (path: string, replace?: boolean) => void }) {
  const [services, setServices] = useState<AppServices>();
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: (() => void) | undefined;
    (async () => {
      const config = await loadConfig();
      let api: Api | undefined;
      const keeper = new SessionKeeper((token) => api!.createSession(token));
      api = new Api(config.apiBaseUrl, keeper);
      const session = await keeper.current();
      if (cancelled) return;
      setServices({ config, api, session });
      // A renewed session (same buyer, new token) reaches the page: the socket reconnects with it.
      unsubscribe = keeper.onRenewed((renewed) => {
        if (!cancelled) setServices((current) => (current ? { ...current, session: renewed } : current));
      });
    })().catch((error: unknown) => {
      if (!cancelled) setFailure(error instanceof Error ? error.message : String(error));
    });
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, []);

  return (
    <AppFrame navigate={navigate}>
      {failure ? (
        <div className="notice error" role="alert">
          TicketDrop could not start a session: {failure}. Reload the page to try again.
        </div>
      ) : !services ? (
        <p className="loading">Loading…</p>
      ) : (
        <AppContext.Provider value={services}>
          {route.page === 'event' ? (
            <EventPage key={route.eventId} eventId={route.eventId} onBack={() => navigate('/')} />
          ) : (
            <EventList onOpen={(eventId, replace) => navigate(`/events/${encodeURIComponent(eventId)}`, replace)} />
          )}
        </AppContext.Provider>
      )}
    </AppFrame>
  );
}

function AppFrame({ navigate, children }: { navigate: (path: string) => void; children: ReactNode }) {
  return (
    <div className="app">
      <header className="app-header">
        <a
          className="brand"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          <span className="logo" aria-hidden="true">
            TD
          </span>{' '}
          TicketDrop
        </a>
      </header>
      <main className="app-main">{children}</main>
    </div>
  );
}
