import { memo } from 'react';
import { isPickable, type SeatState, STATE_TEXT } from './seat-state';

export interface SeatButtonProps {
  readonly seatId: string;
  readonly row: number;
  readonly number: number;
  readonly state: SeatState;
  /** Held by me but left out of my changed selection: "Update hold" lets it go. */
  readonly releasing: boolean;
  /** mm:ss left on my hold (only for my held seats). */
  readonly countdown?: string;
  /** The seat's price as people read it ("€80.00"), by its row's price level. */
  readonly price?: string;
  readonly onToggle: (seatId: string) => void;
}

/** One seat: colour, pattern and a text tag tell its state; a real button, so keyboards work. */
export const SeatButton = memo(function SeatButton({
  seatId,
  row,
  number,
  state,
  releasing,
  countdown,
  price,
  onToggle,
}: SeatButtonProps) {
  const pickable = isPickable(state);
  const text = STATE_TEXT[state];
  const tag = releasing ? 'Release' : state === 'held-by-me' && countdown ? `Yours ${countdown}` : text.short;
  const label = `Seat ${seatId}${price ? `, ${price}` : ''}: ${releasing ? 'held by you, will be released when you update the hold' : text.long}${
    state === 'held-by-me' && countdown ? `, ${countdown} left` : ''
  }${state === 'held-by-others' || state === 'sold' ? ' (not available)' : ''}`;
  return (
    <button
      type="button"
      className={`seat seat--${state}${releasing ? ' seat--releasing' : ''}`}
      data-seat={seatId}
      data-state={state}
      data-row={row}
      data-number={number}
      data-price={price}
      aria-label={label}
      aria-pressed={pickable ? state === 'selected' || (state === 'held-by-me' && !releasing) : undefined}
      aria-disabled={!pickable}
      title={label}
      onClick={() => onToggle(seatId)}
    >
      <span className="seat-id">{seatId}</span>
      <span className="seat-tag">{tag}</span>
    </button>
  );
});
