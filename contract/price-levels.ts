/**
 * Price levels by row range (docs/API.md, "Events"): what a seat costs, shared by the API (an
 * order's amount), the seat map (each seat's price, the legend) and the listing (the price range).
 * Rows are named as the map shows them ("A", "B", …, "AA"); a row no level covers costs the
 * event's `priceCents`. Pure functions, no imports.
 */

export interface PriceLevel {
  /** Shown in the legend, e.g. "Front stalls"; the row range when absent. */
  readonly name?: string;
  /** First row of the level, inclusive, e.g. "A". */
  readonly fromRow: string;
  /** Last row of the level, inclusive, e.g. "B". */
  readonly toRow: string;
  readonly priceCents: number;
}

/** What pricing needs of an event. */
export interface Priced {
  /** The price of a seat in a row no level covers. */
  readonly priceCents: number;
  readonly priceLevels?: readonly PriceLevel[];
}

const ROW_LABEL = /^[A-Z]{1,3}$/;

/** 0-based index of a row label ("A" → 0, "Z" → 25, "AA" → 26); -1 for anything else. */
export function rowIndexOfLabel(label: string): number {
  if (!ROW_LABEL.test(label)) return -1;
  let n = 0;
  for (const ch of label) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** The leading row letters of a seat id ("C7" → "C"). */
export function rowOfSeat(seatId: string): string {
  return /^[A-Z]*/.exec(seatId)?.[0] ?? '';
}

/** The level a row belongs to (levels never overlap: the event spec refuses it), if any. */
export function levelOfRow(event: Priced, rowIndex: number): PriceLevel | undefined {
  return event.priceLevels?.find(
    (level) => rowIndexOfLabel(level.fromRow) <= rowIndex && rowIndex <= rowIndexOfLabel(level.toRow),
  );
}

export function rowPriceCents(event: Priced, rowIndex: number): number {
  return levelOfRow(event, rowIndex)?.priceCents ?? event.priceCents;
}

export function seatPriceCents(event: Priced, seatId: string): number {
  return rowPriceCents(event, rowIndexOfLabel(rowOfSeat(seatId)));
}

/** The cheapest and dearest seat of a rows-deep map (the listing's "€45–€80"). */
export function priceRange(event: Priced & { readonly rows: number }): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (let rowIndex = 0; rowIndex < event.rows; rowIndex++) {
    const price = rowPriceCents(event, rowIndex);
    min = Math.min(min, price);
    max = Math.max(max, price);
  }
  return Number.isFinite(min) ? { min, max } : { min: event.priceCents, max: event.priceCents };
}

/** What the seat map's legend lists: each level with its rows, then the default for rows no level covers. */
export function priceLegend(
  event: Priced & { readonly rows: number },
): { label: string; rows: string; priceCents: number }[] {
  const levels = [...(event.priceLevels ?? [])].sort((a, b) => rowIndexOfLabel(a.fromRow) - rowIndexOfLabel(b.fromRow));
  const entries = levels.map((level) => {
    const rows = level.fromRow === level.toRow ? `Row ${level.fromRow}` : `Rows ${level.fromRow}–${level.toRow}`;
    return { label: level.name ?? rows, rows, priceCents: level.priceCents };
  });
  let uncovered = false;
  for (let rowIndex = 0; rowIndex < event.rows && !uncovered; rowIndex++) uncovered = !levelOfRow(event, rowIndex);
  if (uncovered || entries.length === 0) {
    entries.push({ label: entries.length ? 'Other rows' : 'Every seat', rows: '', priceCents: event.priceCents });
  }
  return entries;
}
