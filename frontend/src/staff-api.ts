import type { CheckIn } from '../../contract/check-in';
import type { OrderSummary, SentMessage as OutboxMessage } from '../../contract/console-views';
import type { DashboardView } from '../../contract/dashboard-view';
import type { OrderStory } from '../../contract/order-story';
import type { OrderRefund, TicketRefund } from '../../contract/refunds';
import type { TicketsPage } from '../../contract/tickets-page';
import { ApiError, requestJson } from './api';
import type { EventInfo } from './types';

export type { OrderRefund, OrderSummary, OutboxMessage, TicketRefund };

/**
 * The organizer's side of the HTTP API (docs/API.md, "Console and door"): signing in, opening a
 * door, checking tickets in, and the buyer's tickets link. No buyer session is involved: each
 * call carries the credential it needs, or none.
 */

export interface StaffCredential {
  readonly role: 'operator' | 'door';
  readonly token: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly eventId?: string;
  readonly door?: string;
}

export class StaffApi {
  /** `websocketUrl`: where the console's dashboard connects (an operator socket, `?staff=`). */
  constructor(
    private readonly baseUrl: string,
    readonly websocketUrl = '',
  ) {}

  /** The admin key, once, for a 1 h operator session (the key is not kept anywhere). */
  signIn(adminKey: string): Promise<StaffCredential> {
    return this.call<StaffCredential>('POST', '/api/admin/sessions', { adminKey });
  }

  openDoor(operator: string, eventId: string, door: string): Promise<StaffCredential> {
    return this.call<StaffCredential>('POST', '/api/admin/door-credentials', { eventId, door }, operator);
  }

  checkIn(credential: string, eventId: string, code: string): Promise<CheckIn> {
    return this.call<{ checkIn: CheckIn }>(
      'POST',
      `/api/events/${encodeURIComponent(eventId)}/check-ins`,
      { code },
      credential,
    ).then((body) => body.checkIn);
  }

  /** Refunds a confirmed order: charge refunded, tickets voided, seats back on sale. */
  refund(operator: string, orderId: string, note?: string): Promise<OrderRefund> {
    return this.call<{ refund: OrderRefund }>(
      'POST',
      `/api/admin/orders/${encodeURIComponent(orderId)}/refund`,
      note ? { note } : {},
      operator,
    ).then((body) => body.refund);
  }

  /** Refunds one ticket: its price back, the ticket voided, its seat back on sale (docs/API.md). */
  refundTicket(operator: string, orderId: string, ticketId: string): Promise<TicketRefund> {
    return this.call<{ refund: TicketRefund }>(
      'POST',
      `/api/admin/orders/${encodeURIComponent(orderId)}/tickets/${encodeURIComponent(ticketId)}/refund`,
      {},
      operator,
    ).then((body) => body.refund);
  }

  /** Every order of an event, oldest first. */
  orders(operator: string, eventId: string): Promise<OrderSummary[]> {
    return this.call<{ orders: OrderSummary[] }>(
      'GET',
      `/api/admin/events/${encodeURIComponent(eventId)}/orders?status=all`,
      undefined,
      operator,
    ).then((body) => body.orders);
  }

  /** An event's live dashboard figures (also pushed over the WebSocket). */
  dashboard(operator: string, eventId: string): Promise<DashboardView> {
    return this.call<{ dashboard: DashboardView }>(
      'GET',
      `/api/admin/events/${encodeURIComponent(eventId)}/dashboard`,
      undefined,
      operator,
    ).then((body) => body.dashboard);
  }

  /** An order's story: what happened, when, why it failed, where it waits. */
  story(operator: string, orderId: string): Promise<OrderStory> {
    return this.call<{ story: OrderStory }>(
      'GET',
      `/api/admin/orders/${encodeURIComponent(orderId)}/story`,
      undefined,
      operator,
    ).then((body) => body.story);
  }

  /** "Who got tickets" as CSV: fetched with the session (a plain link could not carry it), saved as a file. */
  async ticketsCsv(operator: string, eventId: string): Promise<Blob> {
    const response = await fetch(`${this.baseUrl}/api/admin/events/${encodeURIComponent(eventId)}/tickets.csv`, {
      headers: { authorization: `Bearer ${operator}` },
      cache: 'no-store',
    }).catch(() => {
      throw new ApiError(0, 'NetworkError', 'The server cannot be reached. Check your connection and try again.');
    });
    if (!response.ok) throw new ApiError(response.status, 'HttpError', `The server answered ${response.status}`);
    return response.blob();
  }

  /** Creates an event; a refused field comes back in the ApiError's issues as `field: message`. */
  createEvent(operator: string, input: Record<string, unknown>): Promise<EventInfo> {
    return this.call<{ event: EventInfo }>('POST', '/api/events', input, operator).then((body) => body.event);
  }

  /** Edits an event before its sale: 409 EventNotEditable once it has begun; refused fields as in createEvent. */
  editEvent(operator: string, eventId: string, changes: Record<string, unknown>): Promise<EventInfo> {
    return this.call<{ event: EventInfo }>(
      'PATCH',
      `/api/admin/events/${encodeURIComponent(eventId)}`,
      changes,
      operator,
    ).then((body) => body.event);
  }

  /** Free, held and sold seats now, from the public compact seat map (one letter per seat). */
  seatCounts(eventId: string): Promise<{ free: number; held: number; sold: number }> {
    return this.call<{ seatMap: { states: string } }>(
      'GET',
      `/api/events/${encodeURIComponent(eventId)}/seat-map`,
    ).then(({ seatMap }) => {
      const count = (letter: string) => seatMap.states.split(letter).length - 1;
      return { free: count('A'), held: count('H'), sold: count('S') };
    });
  }

  listEvents(): Promise<EventInfo[]> {
    return this.call<{ events: EventInfo[] }>('GET', '/api/events').then((body) => body.events);
  }

  /** An order's tickets by the signed link of its confirmation e-mail. */
  /** Where the same tickets download as a PDF (one page per ticket): a plain link, no script needed. */
  ticketsPdfUrl(orderId: string, signature: string): string {
    return `${this.baseUrl}/api/orders/${encodeURIComponent(orderId)}/tickets.pdf?t=${encodeURIComponent(signature)}`;
  }

  ticketsByLink(orderId: string, signature: string): Promise<TicketsPage> {
    return this.call<TicketsPage>(
      'GET',
      `/api/orders/${encodeURIComponent(orderId)}/tickets?t=${encodeURIComponent(signature)}`,
    );
  }

  /** The local stack's outbox (404 on a deployed stack: there is none). */
  outbox(): Promise<OutboxMessage[]> {
    // On AWS the path is a page of the site (HTML), not JSON: no outbox there.
    return this.call<{ messages?: OutboxMessage[] } | undefined>('GET', '/_local/outbox').then((body) => {
      if (!Array.isArray(body?.messages)) throw new ApiError(404, 'NotFound', 'There is no outbox here');
      return body.messages;
    });
  }

  private async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    return (await requestJson<T>(this.baseUrl, method, path, body, token)).body;
  }
}
