import type { KeyboardEvent } from 'react';
import { SeatButton } from './SeatButton';
import type { SeatState } from './seat-state';
import type { SeatView } from './types';
import { formatCountdown } from './useNow';

export interface SeatMapProps {
  readonly rows: number;
  readonly seatsPerRow: number;
  readonly seats: readonly SeatView[];
  readonly states: ReadonlyMap<string, SeatState>;
  readonly releasing: ReadonlySet<string>;
  readonly holdExpiresAt: number | undefined;
  readonly now: number;
  readonly onToggle: (seatId: string) => void;
  /** A seat's price as people read it (by its row's price level). */
  readonly priceOf?: (seatId: string) => string;
}

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
};

/** The grid, stage at the top, rows labelled; arrow keys move between seats. */
export function SeatMap({
  seatsPerRow,
  seats,
  states,
  releasing,
  holdExpiresAt,
  now,
  onToggle,
  priceOf,
}: SeatMapProps) {
  const rows = groupByRow(seats);
  const countdown = holdExpiresAt === undefined ? undefined : formatCountdown(holdExpiresAt, now);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const move = ARROWS[e.key];
    const from = (e.target as HTMLElement).closest<HTMLElement>('[data-seat]');
    if (!move || !from) return;
    const row = Number(from.dataset.row) + move[0];
    const number = Number(from.dataset.number) + move[1];
    const to = e.currentTarget.querySelector<HTMLElement>(`[data-row="${row}"][data-number="${number}"]`);
    if (to) {
      e.preventDefault();
      to.focus();
    }
  };

  return (
    <div className="seat-map">
      <div className="stage" aria-hidden="true">
        Stage
      </div>
      <div className="seat-scroll">
        {/* biome-ignore lint/a11y/useSemanticElements: a fieldset would bring its own border and padding and is not a reliable grid container. */}
        <div
          className="seat-grid"
          role="group"
          aria-label="Seats, front row first. Use Tab or the arrow keys to move, Enter or Space to choose."
          style={{ gridTemplateColumns: `auto repeat(${seatsPerRow}, minmax(0, 1fr))` }}
          onKeyDown={onKeyDown}
        >
          {rows.map(([rowIndex, rowSeats]) => [
            <div key={`label-${rowIndex}`} className="row-label" aria-hidden="true">
              {rowLetter(rowSeats[0]!.seatId)}
            </div>,
            ...rowSeats.map((seat) => {
              const state = states.get(seat.seatId) ?? 'available';
              return (
                <SeatButton
                  key={seat.seatId}
                  seatId={seat.seatId}
                  row={rowIndex}
                  number={seat.number}
                  state={state}
                  releasing={state === 'held-by-me' && releasing.has(seat.seatId)}
                  {...(state === 'held-by-me' && countdown ? { countdown } : {})}
                  {...(priceOf ? { price: priceOf(seat.seatId) } : {})}
                  onToggle={onToggle}
                />
              );
            }),
          ])}
        </div>
      </div>
    </div>
  );
}

function groupByRow(seats: readonly SeatView[]): [number, SeatView[]][] {
  const rows = new Map<number, SeatView[]>();
  for (const seat of seats) {
    const row = rows.get(seat.rowIndex) ?? [];
    row.push(seat);
    rows.set(seat.rowIndex, row);
  }
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([i, row]) => [i, row.sort((a, b) => a.number - b.number)]);
}

const rowLetter = (seatId: string) => seatId.replace(/\d+$/, '');
