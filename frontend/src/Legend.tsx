import { type Priced, priceLegend } from '../../contract/price-levels';
import { type SeatState, STATE_TEXT } from './seat-state';
import { formatPrice } from './words';

const ORDER: SeatState[] = ['available', 'selected', 'held-by-me', 'held-by-others', 'confirmed-by-me', 'sold'];

/** The six seat states, each with its colour, pattern and words. */
export function Legend() {
  return (
    <ul className="legend" aria-label="Legend">
      {ORDER.map((state) => (
        <li key={state}>
          <span className={`swatch seat--${state}`} aria-hidden="true" />
          {capitalize(STATE_TEXT[state].long)}
        </li>
      ))}
    </ul>
  );
}

/** What a seat costs, by row range: shown under the map when the event has price levels. */
export function PriceLegend({ event }: { event: Priced & { rows: number; currency: string } }) {
  if (!event.priceLevels?.length) return null;
  return (
    <ul className="legend price-legend" aria-label="Prices">
      {priceLegend(event).map((entry) => (
        <li key={`${entry.label}-${entry.rows}`} data-testid="price-level">
          <strong>{formatPrice(entry.priceCents, event.currency)}</strong>
          {entry.label}
          {entry.rows && entry.rows !== entry.label ? ` (${entry.rows})` : ''}
        </li>
      ))}
    </ul>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
