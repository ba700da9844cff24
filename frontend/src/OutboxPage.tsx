import { useEffect, useState } from 'react';
import { ApiError } from './api';
import type { OutboxMessage, StaffApi } from './staff-api';

/**
 * The local stack's outbox (`/outbox`): the e-mails and SMS the simulated senders sent, newest
 * first, with their links clickable — the whole journey without a mail server. Deployed stacks
 * have no outbox (messages go to the logs), which the page says.
 */
export function OutboxPage({ api }: { api: StaffApi }) {
  const [messages, setMessages] = useState<OutboxMessage[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api.outbox().then(
        (list) => {
          if (!cancelled) setMessages(list);
        },
        (cause: unknown) => {
          if (!cancelled)
            setError(
              cause instanceof ApiError && cause.status === 404
                ? 'Only the local stack (npm start) has an outbox; a deployed stack logs its messages instead.'
                : String(cause),
            );
        },
      );
    void load();
    const timer = window.setInterval(load, 3000);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, [api]);

  if (error)
    return (
      <div className="notice info" role="status">
        {error}
      </div>
    );
  if (!messages) return <p className="loading">Loading the outbox…</p>;
  return (
    <section className="outbox">
      <h1>Outbox</h1>
      <p className="muted small">What the simulated e-mail and SMS senders sent, newest first.</p>
      {messages.length === 0 ? (
        <p>Nothing sent yet: buy a ticket and its confirmation appears here.</p>
      ) : (
        <ul>
          {messages.map((message) => (
            <li key={`${message.orderId}-${message.channel}-${message.sentAt}`} className="card" data-testid="message">
              <p className="small muted">
                {message.channel === 'email' ? 'E-mail' : 'SMS'} to {message.to} ·{' '}
                {new Date(message.sentAt).toLocaleString()}
              </p>
              {message.subject && <strong>{message.subject}</strong>}
              <p className="outbox-text">{withLinks(message.text)}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The message's text with its http(s) links as anchors. */
function withLinks(text: string) {
  return text.split(/(https?:\/\/\S+)/).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text, never reordered.
      <a key={i} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}
