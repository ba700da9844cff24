import type {
  BuyerWaitingRoomStatus,
  EventInfo,
  EventSnapshot,
  OrderView,
  SeatMapSnapshot,
  Session,
  WaitingRoomCounter,
} from './types';

/** An API error as docs/API.md defines it: `{ error: { code, message, seatIds?, issues? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly seatIds: readonly string[] = [],
    readonly issues: readonly string[] = [],
    /** 429: how long to wait before trying again (its `Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; seatIds?: string[]; issues?: string[]; retryAfterSeconds?: number };
  message?: string;
}

export interface OrderAnswer {
  readonly order: OrderView;
  /** 201 = a new order; 200 = the buyer's open order that already existed (unchanged). */
  readonly created: boolean;
}

/** The HTTP API client. Buyer calls carry the session token; a refused token gets one new session. */
export class Api {
  constructor(
    private readonly baseUrl: string,
    private readonly session: { current(): Promise<Session>; renew(): Promise<Session> },
  ) {}

  /** A new session; with `token` (the current or just-expired one), the same buyer renewed. */
  createSession(token?: string): Promise<Session> {
    return this.request<Session>('POST', '/api/sessions', undefined, token).then((r) => r.body);
  }

  listEvents(): Promise<EventInfo[]> {
    return this.request<{ events: EventInfo[] }>('GET', '/api/events').then((r) => r.body.events);
  }

  getSnapshot(eventId: string): Promise<EventSnapshot> {
    return this.request<EventSnapshot>('GET', eventPath(eventId)).then((r) => r.body);
  }

  /**
   * The compact seat map pollers read. `no-cache` makes the browser revalidate with the ETag it
   * holds (If-None-Match → 304: nothing downloaded); CloudFront answers most of them (max-age=1).
   */
  async getSeatMap(eventId: string): Promise<SeatMapSnapshot> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${eventPath(eventId)}/seat-map`, {
        headers: { accept: 'application/json' },
        cache: 'no-cache',
      });
    } catch {
      throw new ApiError(0, 'NetworkError', 'The server cannot be reached. Check your connection and try again.');
    }
    if (!response.ok)
      throw new ApiError(response.status, 'SeatMapUnavailable', `The seat map answered ${response.status}`);
    return ((await response.json()) as { seatMap: SeatMapSnapshot }).seatMap;
  }

  /** With a waiting room, `admissionToken` (from the queue) lets the order start; without one it is 403 AdmissionRequired. */
  async createOrder(
    eventId: string,
    choice: { seatIds: string[] } | { quantity: number },
    admissionToken?: string,
  ): Promise<OrderAnswer> {
    const headers = admissionToken ? { 'x-admission-token': admissionToken } : undefined;
    const { status, body } = await this.buyer<{ order: OrderView }>(
      'POST',
      `${eventPath(eventId)}/orders`,
      choice,
      headers,
    );
    return { order: body.order, created: status === 201 };
  }

  /** Joins the event's waiting room; the same buyer always gets the same place back. */
  claimPosition(eventId: string): Promise<BuyerWaitingRoomStatus> {
    return this.buyer<{ queue: BuyerWaitingRoomStatus }>('POST', `${eventPath(eventId)}/queue`).then(
      (r) => r.body.queue,
    );
  }

  /** My place in the waiting room; once admitted, the admission token. */
  getWaitingRoom(eventId: string): Promise<BuyerWaitingRoomStatus> {
    return this.buyer<{ queue: BuyerWaitingRoomStatus }>('GET', `${eventPath(eventId)}/queue`).then(
      (r) => r.body.queue,
    );
  }

  /**
   * The room's public counter (no session): the browser's HTTP cache and a CDN keep it 2 s and
   * then revalidate it by ETag, so a whole line polling it costs the table next to nothing.
   */
  async getRoomCounter(eventId: string): Promise<WaitingRoomCounter> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${eventPath(eventId)}/queue/status`, {
        headers: { accept: 'application/json' },
      });
    } catch {
      throw new ApiError(0, 'NetworkError', 'The server cannot be reached. Check your connection and try again.');
    }
    if (!response.ok) throw new ApiError(response.status, 'HttpError', `The server answered ${response.status}`);
    return ((await response.json()) as { room: WaitingRoomCounter }).room;
  }

  /** Leaves the waiting room (an unused admission goes back at once). */
  giveUpPlace(eventId: string): Promise<BuyerWaitingRoomStatus> {
    return this.buyer<{ queue: BuyerWaitingRoomStatus }>('DELETE', `${eventPath(eventId)}/queue`).then(
      (r) => r.body.queue,
    );
  }

  getOrder(orderId: string): Promise<OrderView> {
    return this.buyer<{ order: OrderView }>('GET', orderPath(orderId)).then((r) => r.body.order);
  }

  changeSeats(orderId: string, seatIds: string[]): Promise<OrderView> {
    return this.buyer<{ order: OrderView }>('PUT', `${orderPath(orderId)}/seats`, { seatIds }).then(
      (r) => r.body.order,
    );
  }

  pay(orderId: string, code: string): Promise<OrderView> {
    return this.buyer<{ order: OrderView }>('POST', `${orderPath(orderId)}/payment`, { code }).then(
      (r) => r.body.order,
    );
  }

  cancel(orderId: string): Promise<OrderView> {
    return this.buyer<{ order: OrderView }>('POST', `${orderPath(orderId)}/cancel`).then((r) => r.body.order);
  }

  private async buyer<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders?: Record<string, string>,
  ): Promise<{ status: number; body: T }> {
    const session = await this.session.current();
    try {
      return await this.request<T>(method, path, body, session.token, extraHeaders);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      const renewed = await this.session.renew(); // expired: the same buyer renewed; from another key: a new one
      return this.request<T>(method, path, body, renewed.token, extraHeaders);
    }
  }

  private request<T>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    extraHeaders?: Record<string, string>,
  ): Promise<{ status: number; body: T }> {
    return requestJson<T>(this.baseUrl, method, path, body, token, extraHeaders);
  }
}

/**
 * One JSON request to the API, shared by the buyer's client and the staff pages' client: a network
 * failure and every non-2xx answer become an `ApiError` in the documented error shape.
 */
export async function requestJson<T>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  extraHeaders?: Record<string, string>,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NetworkError', 'The server cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as ErrorBody | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? (response.status === 404 ? 'NotFound' : 'HttpError'),
      error?.message ?? (parsed as ErrorBody | undefined)?.message ?? `The server answered ${response.status}`,
      error?.seatIds ?? [],
      error?.issues ?? [],
      retryAfterOf(response, error?.retryAfterSeconds),
    );
  }
  return { status: response.status, body: parsed as T };
}

/** A 429's wait in seconds: its `Retry-After` header (seconds), else the body's, else none. */
function retryAfterOf(response: Response, fromBody: number | undefined): number | undefined {
  if (response.status !== 429) return undefined;
  const header = Number(response.headers.get('retry-after'));
  if (Number.isFinite(header) && header > 0) return header;
  return fromBody !== undefined && fromBody > 0 ? fromBody : 1;
}

const eventPath = (eventId: string) => `/api/events/${encodeURIComponent(eventId)}`;
const orderPath = (orderId: string) => `/api/orders/${encodeURIComponent(orderId)}`;
