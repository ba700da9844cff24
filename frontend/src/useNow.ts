import { useEffect, useState } from 'react';

/** The current time, re-rendered every `intervalMs` (countdowns, lapsed holds). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** mm:ss until `deadline` (00:00 once passed). */
export function formatCountdown(deadline: number, now: number): string {
  const seconds = Math.max(0, Math.floor((deadline - now) / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}
