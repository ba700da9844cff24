import { type FormEvent, useCallback, useState } from 'react';
import { ApiError } from './api';
import { ConsoleEvents } from './ConsoleEvents';
import { EventOrders, OrderStoryCard } from './ConsoleOrders';
import { EventSelect, useEventChoice } from './EventChoice';
import { FieldError } from './FieldError';
import type { OrderRefund, StaffApi, StaffCredential } from './staff-api';
import { forgetCredential, loadCredential, saveCredential } from './staff-storage';

/**
 * The organizer's console: sign in with the admin key (traded at once for a 1 h operator
 * session; the key is not kept), then find orders and their story (`/admin/orders/{orderId}`),
 * export who got tickets, refund, and open doors — a door link per event and door, for
 * the door staff's phones, that can only check that event's tickets in.
 */
export function AdminPage({ api, orderId }: { api: StaffApi; orderId?: string }) {
  const [operator, setOperator] = useState<StaffCredential | undefined>(() => loadCredential('operator'));
  // Stable: the order panels re-read when it changes.
  const signOut = useCallback(() => {
    forgetCredential('operator');
    setOperator(undefined);
  }, []);

  if (!operator)
    return (
      <SignIn
        api={api}
        onSignedIn={(credential) => {
          saveCredential(credential);
          setOperator(credential);
        }}
      />
    );
  return (
    <section className="console">
      <div className="console-head">
        <h1>Console</h1>
        <p className="muted small">
          Signed in until {new Date(operator.expiresAt).toLocaleTimeString()}{' '}
          <button type="button" className="link" onClick={signOut}>
            Sign out
          </button>
        </p>
      </div>
      {orderId ? (
        <OrderStoryCard api={api} operator={operator} onExpired={signOut} orderId={orderId} />
      ) : (
        <>
          <ConsoleEvents api={api} operator={operator} onExpired={signOut} />
          <EventOrders api={api} operator={operator} onExpired={signOut} />
          <OpenDoor api={api} operator={operator} onExpired={signOut} />
          <RefundOrder api={api} operator={operator} onExpired={signOut} />
        </>
      )}
    </section>
  );
}

function SignIn({ api, onSignedIn }: { api: StaffApi; onSignedIn: (credential: StaffCredential) => void }) {
  const [adminKey, setAdminKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const credential = await api.signIn(adminKey.trim());
      setAdminKey(''); // the key leaves the page as soon as it has been traded
      onSignedIn(credential);
    } catch (cause) {
      setError(
        cause instanceof ApiError && cause.status === 401
          ? 'That admin key is not right.'
          : cause instanceof Error
            ? cause.message
            : String(cause),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card staff-form" onSubmit={submit} aria-label="Sign in">
      <h1>Sign in to the console</h1>
      <p className="muted small">
        The admin key is exchanged for a session of one hour; the key itself is not stored in this browser.
      </p>
      <label>
        Admin key
        <input
          type="password"
          autoComplete="off"
          value={adminKey}
          onChange={(e) => setAdminKey(e.target.value)}
          required
        />
      </label>
      <FieldError message={error} />
      <button type="submit" className="primary" disabled={busy || adminKey.trim() === ''}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function OpenDoor({ api, operator, onExpired }: { api: StaffApi; operator: StaffCredential; onExpired: () => void }) {
  const [door, setDoor] = useState('');
  const [error, setError] = useState<string>();
  const [opened, setOpened] = useState<StaffCredential>();
  const { events, eventId, setEventId } = useEventChoice(api, (cause) =>
    setError(cause instanceof Error ? cause.message : String(cause)),
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      setOpened(await api.openDoor(operator.token, eventId, door.trim()));
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 401) onExpired();
      else setError(cause instanceof ApiError && cause.issues.length > 0 ? cause.issues.join('; ') : String(cause));
    }
  }

  const link = opened ? `${window.location.origin}/door#credential=${opened.token}` : undefined;
  return (
    <form className="card staff-form" onSubmit={submit} aria-label="Open a door">
      <h2>Open a door</h2>
      <p className="muted small">
        A door link lets its holder check this event's tickets in — nothing else — for 12 hours.
      </p>
      <EventSelect label="Event" events={events} eventId={eventId} onChange={setEventId} required />
      <label>
        Door name
        <input
          value={door}
          onChange={(e) => setDoor(e.target.value)}
          placeholder="North gate"
          maxLength={40}
          required
        />
      </label>
      <FieldError message={error} />
      <button type="submit" className="primary" disabled={!eventId || door.trim() === ''}>
        Create door link
      </button>
      {opened && link && (
        <div className="door-link" data-testid="door-link">
          <p>
            Door <strong>{opened.door}</strong> for <strong>{opened.eventId}</strong>, valid until{' '}
            {new Date(opened.expiresAt).toLocaleString()}:
          </p>
          <input readOnly value={link} aria-label="Door link" onFocus={(e) => e.currentTarget.select()} />
          <a href={link} target="_blank" rel="noreferrer">
            Open the door page
          </a>
        </div>
      )}
    </form>
  );
}

/** Refund a confirmed order by its id: asks once more, then says what was refunded, voided and freed. */
function RefundOrder({
  api,
  operator,
  onExpired,
}: {
  api: StaffApi;
  operator: StaffCredential;
  onExpired: () => void;
}) {
  const [orderId, setOrderId] = useState('');
  const [note, setNote] = useState('');
  const [armed, setArmed] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<OrderRefund>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!armed) {
      setArmed(true); // a refund cannot be taken back: one more click
      return;
    }
    setError(undefined);
    setDone(undefined);
    try {
      setDone(await api.refund(operator.token, orderId.trim(), note.trim() || undefined));
      setArmed(false);
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 401) onExpired();
      else setError(cause instanceof Error ? cause.message : String(cause));
      setArmed(false);
    }
  }

  return (
    <form className="card staff-form" onSubmit={submit} aria-label="Refund an order">
      <h2>Refund an order</h2>
      <p className="muted small">
        The charge is refunded, the tickets are voided (they no longer admit anyone) and the seats go back on sale.
      </p>
      <label>
        Order id
        <input
          value={orderId}
          onChange={(e) => {
            setOrderId(e.target.value);
            setArmed(false);
          }}
          placeholder="ord_…"
          required
        />
      </label>
      <label>
        Note (optional)
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} />
      </label>
      <FieldError message={error} />
      <button type="submit" className={armed ? 'primary danger-fill' : 'primary'} disabled={orderId.trim() === ''}>
        {armed ? 'Yes, refund this order' : 'Refund'}
      </button>
      {done && (
        <p role="status" data-testid="refund-result">
          {done.refundedNow ? 'Refunded' : 'Already refunded'} {done.orderId}: {done.refundedChargeIds.length} charge(s)
          refunded, {done.voidedTicketIds.length} ticket(s) voided, seats back on sale:{' '}
          {done.releasedSeatIds.join(', ') || 'none'}.
        </p>
      )}
    </form>
  );
}
