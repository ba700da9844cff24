import { formatCountdown } from './useNow';

/** Time left on the hold, mm:ss, urgent in the last minute. */
export function Countdown({ deadline, now }: { deadline: number; now: number }) {
  const left = deadline - now;
  return (
    <span
      className={`countdown${left < 60_000 ? ' countdown--urgent' : ''}`}
      data-testid="countdown"
      role="timer"
      aria-label={`Hold ends in ${formatCountdown(deadline, now)}`}
    >
      {formatCountdown(deadline, now)}
    </span>
  );
}
