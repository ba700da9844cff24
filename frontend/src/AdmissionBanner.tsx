import { formatCountdown } from './useNow';

/** Shown once the waiting room lets me in and until my order starts: how long my turn lasts. */
export function AdmissionBanner({ expiresAt, now }: { expiresAt: number; now: number }) {
  const left = formatCountdown(expiresAt, now);
  return (
    <section
      className={`admission-banner${expiresAt - now < 30_000 ? ' admission-banner--urgent' : ''}`}
      aria-label="Your turn"
      data-testid="admission-banner"
    >
      <strong>It's your turn</strong> — start your order within{' '}
      <span
        className="admission-countdown"
        role="timer"
        data-testid="admission-countdown"
        aria-label={`${left} left to start your order`}
      >
        {left}
      </span>
      <span className="muted small"> · choose seats and hold them; your hold then has its own time to pay.</span>
    </section>
  );
}
