/**
 * Seat naming: rows are lettered like a theatre (A..Z, AA..AZ, ...), seats numbered from 1
 * within a row, so seat "C7" is row C, seat 7.
 */

export interface SeatPosition {
  /** 0-based row index; row 0 ("A") is closest to the stage. */
  readonly rowIndex: number;
  /** 1-based seat number within the row. */
  readonly number: number;
}

export function rowLabel(rowIndex: number): string {
  let label = '';
  let n = rowIndex + 1;
  while (n > 0) {
    const rem = (n - 1) % 26;
    label = String.fromCharCode(65 + rem) + label;
    n = Math.floor((n - 1) / 26);
  }
  return label;
}

export function rowIndexOf(label: string): number {
  let n = 0;
  for (const ch of label) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function seatId({ rowIndex, number }: SeatPosition): string {
  return `${rowLabel(rowIndex)}${number}`;
}

const SEAT_ID = /^([A-Z]{1,3})([1-9][0-9]{0,3})$/;

/** Parses "C7" into its position; undefined for anything that is not a well-formed seat id. */
export function parseSeatId(id: string): SeatPosition | undefined {
  const match = SEAT_ID.exec(id);
  if (!match) return undefined;
  return { rowIndex: rowIndexOf(match[1]!), number: Number(match[2]) };
}

/** Every seat id of a rows × seatsPerRow map, front row first. */
export function seatIdsOf(rows: number, seatsPerRow: number): string[] {
  const ids: string[] = [];
  for (let rowIndex = 0; rowIndex < rows; rowIndex++) {
    for (let number = 1; number <= seatsPerRow; number++) ids.push(seatId({ rowIndex, number }));
  }
  return ids;
}

/** True when the id names a seat inside a rows × seatsPerRow map. */
export function isSeatOf(id: string, rows: number, seatsPerRow: number): boolean {
  const pos = parseSeatId(id);
  return pos !== undefined && pos.rowIndex < rows && pos.number <= seatsPerRow && seatId(pos) === id;
}
