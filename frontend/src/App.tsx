import { useEffect, useState } from 'react';
import { Api } from './api';
import { AppContext, type AppServices } from './app-context';
import { loadConfig } from './config';
import { EventList } from './EventList';
import { EventPage } from './EventPage';
import { SessionKeeper } from './session';
import { useRoute } from './useRoute';

/** Loads /config.json and the buyer session, then shows the event list or one event's seat map. */
export function App() {
  const [services, setServices] = useState<AppServices>();
  const [failure, setFailure] = useState<string>();
  const [route, navigate] = useRoute();

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
      <main className="app-main">
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
      </main>
    </div>
  );
}
