import { type SeatState, STATE_TEXT } from './seat-state';

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

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
