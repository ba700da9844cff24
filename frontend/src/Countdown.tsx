import { formatCountdown } from './useNow';

/**
 * Time left, mm:ss, urgent in the last minute: the hold while the order waits for the buyer, the
 * payment window (`paymentDeadline`, during which the seats stay held) while it is PAYING.
 */
export function Countdown({
  deadline,
  now,
  label = 'Hold ends in',
}: {
  deadline: number;
  now: number;
  label?: string;
}) {
  const left = deadline - now;
  return (
    <span
      className={`countdown${left < 60_000 ? ' countdown--urgent' : ''}`}
      data-testid="countdown"
      role="timer"
      aria-label={`${label} ${formatCountdown(deadline, now)}`}
    >
      {formatCountdown(deadline, now)}
    </span>
  );
}
