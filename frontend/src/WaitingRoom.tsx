import { Countdown } from './Countdown';
import type { BuyerWaitingRoomStatus } from './types';
import { useNow } from './useNow';
import type { RoomNote } from './useWaitingRoom';

export interface WaitingRoomProps {
  readonly status: BuyerWaitingRoomStatus | undefined;
  readonly note: RoomNote | undefined;
  readonly error: string | undefined;
  readonly busy: boolean;
  /** Refused as too many requests: when the page asks again by itself (epoch ms). */
  readonly retryAt?: number | undefined;
  readonly liveDown: boolean;
  readonly onJoin: () => void;
  readonly onLeave: () => void;
  readonly onBack: () => void;
}

const NOTES: Record<RoomNote, string> = {
  'admission-lapsed':
    'Your turn to buy ended before your order started, so you are back in line — at the end, as in any queue.',
  'turn-ran-out': 'Your turn to buy ended before you started an order, so the next person in line got it.',
};

/** The waiting room in front of a busy sale: my number, the line moving, and my turn. */
export function WaitingRoom(props: WaitingRoomProps) {
  const { status, note, error, retryAt } = props;
  return (
    <section
      className="card waiting-room"
      aria-labelledby="waiting-room-title"
      data-testid="waiting-room"
      data-state={status?.state ?? 'LOADING'}
    >
      {note && (
        <div className="notice warn" role="alert" data-testid="room-note">
          {NOTES[note]}
        </div>
      )}
      {error && (
        <div className="notice error" role="alert">
          {error}
        </div>
      )}
      {retryAt !== undefined && <RetryNotice at={retryAt} />}
      {!status ? (
        <p className="loading" id="waiting-room-title">
          Finding your place in line…
        </p>
      ) : (
        <Body {...props} status={status} />
      )}
    </section>
  );
}

/** Refused as too many requests (429): the page waits the server's Retry-After and asks again. */
function RetryNotice({ at }: { at: number }) {
  const now = useNow(250);
  const seconds = Math.max(0, Math.ceil((at - now) / 1000));
  return (
    <div className="notice warn" role="status" data-testid="room-busy" data-retry-in={seconds}>
      The waiting room is busy right now — retrying in {seconds} s by itself. Keep this tab open: your place in line is
      kept.
    </div>
  );
}

function Body({
  status,
  busy,
  liveDown,
  onJoin,
  onLeave,
  onBack,
}: WaitingRoomProps & { status: BuyerWaitingRoomStatus }) {
  switch (status.state) {
    case 'WAITING':
      // In line, the number not written yet: the room's batch writer numbers joins in arrival order.
      if (status.position === undefined)
        return (
          <p className="loading" id="waiting-room-title" role="status" data-testid="queue-taking-place">
            Taking your place in line… Keep this tab open.
          </p>
        );
      return <InLine status={status} busy={busy} liveDown={liveDown} onLeave={onLeave} />;
    case 'PRE_QUEUE':
      return <PreQueue status={status} />;
    case 'LAPSED':
      return (
        <Outside title="The line passed you by" action="Rejoin the line" busy={busy} onJoin={onJoin} onBack={onBack}>
          Your turn came while this page was closed or asleep, so it went to the next person who was there. You can
          rejoin — at the back of the line. Keep this tab open while you wait.
        </Outside>
      );
    case 'LEFT':
      return (
        <Outside title="You left the line" busy={busy} onJoin={onJoin} onBack={onBack}>
          Changed your mind? You can join again — at the back of the line.
        </Outside>
      );
    case 'DONE':
      return (
        <Outside
          title={status.soldOut ? 'Sold out for now' : 'Your turn is over'}
          busy={busy}
          onJoin={onJoin}
          onBack={onBack}
        >
          {status.soldOut
            ? 'No seat is free at the moment. Some may come back when other holds run out; to try again, join the line.'
            : 'To buy (more) tickets, join the line again — at the back, as in any queue.'}
        </Outside>
      );
    case 'NOT_JOINED':
      return (
        <Outside
          title="This sale has a waiting room"
          action="Join the line"
          busy={busy}
          onJoin={onJoin}
          onBack={onBack}
        >
          Buyers take turns to choose seats, in the order they arrive.
        </Outside>
      );
    default: // admitted, a moment before the page switches to the seat map
      return (
        <p className="loading" id="waiting-room-title">
          Finding your place in line…
        </p>
      );
  }
}

function InLine({
  status,
  busy,
  liveDown,
  onLeave,
}: {
  status: BuyerWaitingRoomStatus;
  busy: boolean;
  liveDown: boolean;
  onLeave: () => void;
}) {
  const position = status.position ?? 0;
  const served = Math.min(status.servingPosition, position);
  const next = status.peopleAhead === 0;
  return (
    <>
      <p className="eyebrow">Waiting room</p>
      <div
        aria-live="polite"
        aria-atomic="true"
        data-testid="queue-position"
        data-position={position}
        data-ahead={status.peopleAhead}
      >
        <h2 id="waiting-room-title" className="queue-number">
          You are number <strong>{position}</strong> in line
        </h2>
        <p className="queue-ahead">
          {next
            ? "You're next — nobody is waiting ahead of you."
            : `${status.peopleAhead} ${status.peopleAhead === 1 ? 'person is' : 'people are'} ahead of you.`}
        </p>
      </div>
      <div
        className="queue-progress"
        role="progressbar"
        aria-label="Line served so far"
        aria-valuemin={0}
        aria-valuemax={Math.max(position, 1)}
        aria-valuenow={served}
        aria-valuetext={`Now serving number ${status.servingPosition}; you are number ${position}`}
      >
        <span style={{ width: `${position > 0 ? (served / position) * 100 : 0}%` }} />
      </div>
      <dl className="queue-facts">
        <div>
          <dt>Now serving</dt>
          <dd>number {status.servingPosition}</dd>
        </div>
        <div>
          <dt>Estimated wait</dt>
          <dd data-testid="estimated-wait">
            {formatWait(status.estimatedWaitSeconds, next)}
            {status.admissionsPerMinute !== undefined && (
              <span className="muted small"> ({status.admissionsPerMinute} admitted per minute)</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Buying right now</dt>
          <dd data-testid="active-purchasers">
            {status.activePurchasers} / {status.maxActivePurchasers}
          </dd>
        </div>
      </dl>
      {status.soldOut ? (
        <div className="notice warn sold-out" role="status" data-testid="sold-out">
          <strong>Sold out for now.</strong> Every seat is taken or held. Some may come back when holds run out, so you
          can keep your place — or leave the line.
          <div className="actions">
            <button type="button" onClick={onLeave} disabled={busy}>
              Leave the line
            </button>
          </div>
        </div>
      ) : (
        <>
          <p className="muted small">
            Keep this tab open: the seat map opens here by itself when it is your turn, and a tab away too long loses
            its turn
            {liveDown ? ' (live updates are down; checking every few seconds)' : ''}. Reloading keeps your place.
          </p>
          <button type="button" className="link small" onClick={onLeave} disabled={busy}>
            Leave the line
          </button>
        </>
      )}
    </>
  );
}

/** Before a fair start: the countdown, and why there is no number yet. */
function PreQueue({ status }: { status: BuyerWaitingRoomStatus }) {
  const now = useNow(1000);
  const opensAt = status.salesStartAt === undefined ? undefined : Date.parse(status.salesStartAt);
  return (
    <>
      <p className="eyebrow">Waiting room · before the sale</p>
      <h2 id="waiting-room-title">You're in — the sale has not started yet</h2>
      {opensAt !== undefined && (
        <p className="queue-ahead" data-testid="sales-start">
          {opensAt > now ? (
            <>
              The sale opens in <Countdown deadline={opensAt} now={now} label="The sale opens in" />
            </>
          ) : (
            'The sale is opening: drawing the places…'
          )}
        </p>
      )}
      <p>
        Everyone here when the sale opens gets a place in line drawn at random, so there is no need to hurry or refresh.
        People who come later queue behind them, first come, first served.
      </p>
      <p className="muted small">Keep this tab open: a tab that stays away too long loses its turn.</p>
    </>
  );
}

function Outside(props: {
  title: string;
  action?: string;
  children: string;
  busy: boolean;
  onJoin: () => void;
  onBack: () => void;
}) {
  return (
    <>
      <h2 id="waiting-room-title">{props.title}</h2>
      <p>{props.children}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={props.onJoin} disabled={props.busy}>
          {props.action ?? 'Join the line again'}
        </button>
        <button type="button" className="link" onClick={props.onBack}>
          All events
        </button>
      </div>
    </>
  );
}

/** A rough, honest wait: never a promise to the second. */
export function formatWait(seconds: number | undefined, next: boolean): string {
  if (seconds === undefined) return next ? 'any moment' : '—';
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} min`;
  return `about ${Math.round(minutes / 60)} h`;
}
