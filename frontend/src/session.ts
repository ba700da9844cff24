import type { Session } from './types';

/**
 * The anonymous buyer session: created once with POST /api/sessions and kept in localStorage, so
 * a refresh (or a second tab) is the same buyer. A session about to expire (or refused) is renewed
 * by sending its token along: the server answers the same buyer id with a fresh token (their place
 * in line and open order stay theirs; docs/API.md, Sessions). Listeners hear of every new session,
 * so the page reconnects its socket with the new token.
 */
const SESSION_KEY = 'ticketdrop:session';
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * The one session request in flight for this page, shared by every keeper: React runs the app's
 * start-up effect twice (StrictMode), and two keepers each creating a session would leave
 * localStorage with whichever answer came last — a different buyer from the one the page goes on
 * with, so a refresh lost the buyer's orders (seen as a flaky e2e test once creating a session
 * got slower).
 */
let pending: Promise<Session> | undefined;

export class SessionKeeper {
  private readonly listeners = new Set<(session: Session) => void>();

  /** `create(token)`: POST /api/sessions, with the current token when there is one (renewal). */
  constructor(private readonly create: (token?: string) => Promise<Session>) {}

  /** Calls `listener` with each renewed session; returns the unsubscribe. */
  onRenewed(listener: (session: Session) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The stored session if still valid, else a new one (one request even if asked concurrently). */
  current(): Promise<Session> {
    const stored = readSession();
    if (stored && expiresAtMs(stored) - RENEW_BEFORE_MS > Date.now()) return Promise.resolve(stored);
    return this.renew();
  }

  renew(): Promise<Session> {
    pending ??= this.create(readSession()?.token)
      .then((session) => {
        writeSession(session);
        for (const listener of this.listeners) listener(session);
        return session;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }
}

export function readSession(): Session | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    return value && typeof value.token === 'string' && typeof value.buyerId === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function writeSession(session: Session): void {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

function expiresAtMs(session: Session): number {
  const ms = typeof session.expiresAt === 'number' ? session.expiresAt : Date.parse(session.expiresAt);
  // A number in seconds (JWT style) would be far in the past as ms.
  if (Number.isFinite(ms) && ms < 1e12) return ms * 1000;
  return Number.isFinite(ms) ? ms : 0;
}
