import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import { decodePageToken, encodePageToken, pageSize } from './paging';

/** Everything of a history event except what the history itself assigns. */
export type HistoryEventDetails = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp' | 'type'>;

export interface HistoryPageRequest {
  readonly reverseOrder?: boolean;
  readonly maxResults?: number;
  readonly nextToken?: string;
  readonly includeExecutionData?: boolean;
}

/** One execution's history events (ids from 1), closed for good by its terminal event. */
export class ExecutionHistory {
  private readonly events: HistoryEvent[] = [];
  private closed = false;

  append(type: HistoryEventType, details: HistoryEventDetails = {}, timestamp = Date.now()): void {
    if (this.closed) return;
    const id = this.events.length + 1;
    // Local simplification: every event follows the one before it (AWS links causes per branch).
    this.events.push({ id, previousEventId: id - 1, timestamp: new Date(timestamp), type, ...details });
  }

  close(): void {
    this.closed = true;
  }

  get size(): number {
    return this.events.length;
  }

  page(request: HistoryPageRequest): { events: HistoryEvent[]; nextToken?: string } {
    const size = pageSize(request.maxResults);
    const after = request.nextToken === undefined ? undefined : decodePageToken(request.nextToken);
    const ordered = request.reverseOrder ? [...this.events].reverse() : this.events;
    // Positions are event ids, so new events arriving between pages shift nothing.
    const remaining = ordered.filter(
      (event) => after === undefined || (request.reverseOrder ? event.id! < after : event.id! > after),
    );
    const events = remaining
      .slice(0, size)
      .map((event) => (request.includeExecutionData === false ? withoutData(event) : event));
    const last = events.at(-1);
    return remaining.length > size && last ? { events, nextToken: encodePageToken(last.id!) } : { events };
  }
}

const DATA_FIELDS = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);

/** includeExecutionData = false: the events without their input and output. */
function withoutData(event: HistoryEvent): HistoryEvent {
  const stripped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    stripped[key] =
      key.endsWith('EventDetails') && value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).filter(([field]) => !DATA_FIELDS.has(field)))
        : value;
  }
  return stripped as unknown as HistoryEvent;
}
