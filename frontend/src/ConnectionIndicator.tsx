import type { LiveStatus } from './useLiveConnection';

const TEXT: Record<LiveStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Reconnecting…',
  polling: 'Live (refreshing every second)',
};

/** Whether seat changes arrive live; when not, the page polls and says so. */
export function ConnectionIndicator({ status }: { status: LiveStatus }) {
  return (
    <span
      className={`connection connection--${status}`}
      data-testid="connection"
      data-status={status}
      role="status"
      title={
        status === 'live'
          ? 'Seat changes arrive as they happen'
          : status === 'polling'
            ? 'Many people are watching: the map refreshes itself every second'
            : 'Live updates are down; the page refreshes itself meanwhile'
      }
    >
      <span className="dot" aria-hidden="true" />
      {TEXT[status]}
    </span>
  );
}
