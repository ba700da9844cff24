import type { OrderView } from '../../contract/order-view';
import { type ApiClient, sleep } from './http';
import { LiveSocket, type SeatBoard, type SocketMeter } from './live';

/**
 * One simulated buyer, through the public API only: session → (waiting room: join, watch, get
 * the admission) → order (best available or picked seats) → pay, or walk away and let the hold
 * run out. Everything it sees and when is written to its `BuyerRecord`.
 */

export type Phase = 'arriving' | 'waiting' | 'admitted' | 'holding' | 'paying' | 'done';
export type Outcome = 'ticket' | 'soldOut' | 'failed' | 'expired' | 'open';

export interface BuyerRecord {
  readonly index: number;
  readonly abandons: boolean;
  phase: Phase;
  outcome?: Outcome;
  reason?: string;
  buyerId?: string;
  /** performance.now() of each step. */
  arrivedAt?: number;
  joinedAt?: number;
  position?: number;
  admittedAt?: number;
  holdRequestedAt?: number;
  heldAt?: number;
  /** The buyer's WebSocket answered its upgrade ($connect done), or gave up. */
  socketOpenedAt?: number;
  payRequestedAt?: number;
  endedAt?: number;
  orderId?: string;
  /** Every order this buyer created (normally one). */
  orderIds: string[];
  seatIds: string[];
  ticketIds: string[];
  holdAttempts: number;
  payRequests: number;
}

export interface BuyerContext {
  readonly api: ApiClient;
  readonly board: SeatBoard;
  readonly meter: SocketMeter;
  readonly webSocketUrl: string;
  readonly eventId: string;
  readonly mode: 'best' | 'pick' | 'own';
  readonly seatsPerBuyer: number;
  readonly waitingRoom: boolean;
  readonly holdSeconds: number;
  /** The card code of a buyer's n-th pay request (0-based; the processor or a test card decides). */
  readonly cardCode: (payRequest: number) => string;
  readonly random: () => number;
  /** performance.now() after which nobody starts anything new. */
  readonly deadline: number;
}

interface WaitingRoomStatus {
  state: 'NOT_JOINED' | 'WAITING' | 'ADMITTED' | 'PURCHASING' | 'DONE' | 'LEFT';
  position?: number;
  admissionToken?: string;
  admissionExpiresAt?: number;
  soldOut: boolean;
}

class Finished extends Error {
  constructor(
    readonly outcome: Outcome,
    reason?: string,
  ) {
    super(reason ?? outcome);
  }
}

const ENDED = new Set(['CONFIRMED', 'FAILED', 'EXPIRED', 'CANCELLED']);
const MAX_HOLD_ATTEMPTS = 100;
const MAX_PAY_REQUESTS = 5;

export function newBuyerRecord(index: number, abandons: boolean): BuyerRecord {
  return {
    index,
    abandons,
    phase: 'arriving',
    orderIds: [],
    seatIds: [],
    ticketIds: [],
    holdAttempts: 0,
    payRequests: 0,
  };
}

export async function runBuyer(ctx: BuyerContext, rec: BuyerRecord): Promise<void> {
  rec.arrivedAt = performance.now();
  let socket: LiveSocket | undefined;
  try {
    const session = await ctx.api.call<{ buyerId: string; token: string }>('POST', '/api/sessions');
    if (session.status !== 201) throw new Finished('failed', `POST /api/sessions answered ${session.status}`);
    rec.buyerId = session.body.buyerId;
    const token = session.body.token;

    let admission: string | undefined;
    if (ctx.waitingRoom) admission = await waitForAdmission(ctx, rec, token);
    rec.phase = 'admitted';

    const order = await hold(ctx, rec, token, admission);
    rec.phase = 'holding';
    const watch = new OrderWatch(ctx.api, token, order);
    socket = await LiveSocket.open(ctx.webSocketUrl, ctx.meter, {
      token,
      onMessage: (m) => m.type === 'order' && watch.offer(m.order),
    }).catch(() => undefined);
    rec.socketOpenedAt = performance.now();
    // Like the page: with the socket up a slow safety poll, without it a GET every second.
    watch.pollMs = socket ? 10_000 : 1_000;

    if (rec.abandons) {
      // Walk away: the flow must expire the hold by itself.
      const ended = await watch.until((o) => ENDED.has(o.status), ctx.holdSeconds * 1000 + 60_000);
      throw new Finished(
        ended.status === 'EXPIRED' ? 'expired' : 'failed',
        `walked away; the order ended ${ended.status}`,
      );
    }
    await pay(ctx, rec, token, watch);
  } catch (error) {
    rec.outcome = error instanceof Finished ? error.outcome : 'failed';
    rec.reason = error instanceof Error ? error.message : String(error);
  } finally {
    socket?.close();
    rec.phase = 'done';
    rec.endedAt = performance.now();
  }
}

async function waitForAdmission(ctx: BuyerContext, rec: BuyerRecord, token: string): Promise<string> {
  const path = `/api/events/${ctx.eventId}/queue`;
  const waitingRoomCall = async (method: 'POST' | 'GET' | 'DELETE'): Promise<WaitingRoomStatus> => {
    const answer = await ctx.api.call<{ queue: WaitingRoomStatus }>(method, path, { token });
    if (answer.status !== 200)
      throw new Finished('failed', `${method} queue answered ${answer.status} ${answer.body.error?.code ?? ''}`);
    return answer.body.queue;
  };
  rec.phase = 'waiting';
  rec.joinedAt = performance.now();
  let status = await waitingRoomCall('POST');
  rec.position = status.position;
  let lastAsked = performance.now();
  for (;;) {
    if (status.state === 'ADMITTED' && status.admissionToken) {
      rec.admittedAt = performance.now();
      return status.admissionToken;
    }
    if (status.state !== 'WAITING') throw new Finished('failed', `queue state ${status.state}`);
    if (ctx.board.soldOutFor(ctx.seatsPerBuyer)) {
      await waitingRoomCall('DELETE');
      throw new Finished('soldOut', 'sold out while waiting');
    }
    if (performance.now() > ctx.deadline) throw new Finished('open', 'still waiting in the queue at the deadline');
    // Watch the queue messages; ask when my turn has come, or every 5 s anyway.
    await ctx.board.changed(1_000);
    const myTurn = rec.position !== undefined && ctx.board.servingPosition >= rec.position;
    // Answered "taking your place" (no number yet): ask again after a second, as the page does.
    const every = rec.position === undefined ? 1_000 : 5_000;
    if (myTurn || performance.now() - lastAsked > every) {
      status = await waitingRoomCall('GET');
      rec.position = status.position ?? rec.position;
      lastAsked = performance.now();
    }
  }
}

async function hold(
  ctx: BuyerContext,
  rec: BuyerRecord,
  token: string,
  admission: string | undefined,
): Promise<OrderView> {
  const headers: Record<string, string> = admission ? { 'x-admission-token': admission } : {};
  for (;;) {
    if (performance.now() > ctx.deadline) throw new Finished('open', 'no hold by the deadline');
    if (rec.holdAttempts >= MAX_HOLD_ATTEMPTS)
      throw new Finished('failed', `no hold after ${rec.holdAttempts} attempts`);
    let body: { quantity: number } | { seatIds: string[] } = { quantity: ctx.seatsPerBuyer };
    if (ctx.mode === 'pick' || ctx.mode === 'own') {
      const seats = (ctx.mode === 'own' && ownSeats(ctx, rec)) || (await pickSeats(ctx));
      if (seats) body = { seatIds: seats };
      else {
        await waitForSeats(ctx, token);
        continue;
      }
    }
    rec.holdAttempts += 1;
    const answer = await ctx.api.call<{ order: OrderView }>('POST', `/api/events/${ctx.eventId}/orders`, {
      token,
      body,
      headers,
    });
    if (answer.status === 201 || answer.status === 200) {
      rec.heldAt = performance.now();
      rec.holdRequestedAt = rec.heldAt - answer.ms;
      rec.orderId = answer.body.order.orderId;
      if (!rec.orderIds.includes(rec.orderId)) rec.orderIds.push(rec.orderId);
      rec.seatIds = [...answer.body.order.seatIds];
      return answer.body.order;
    }
    const code = answer.body.error?.code ?? `HTTP ${answer.status}`;
    if (code === 'SeatsTaken') {
      await sleep(20 + 80 * ctx.random()); // lost a race: look again
      continue;
    }
    if (code === 'SoldOut') {
      await waitForSeats(ctx, token);
      continue;
    }
    throw new Finished('failed', `create order answered ${answer.status} ${code}`);
  }
}

/**
 * The buyer's own seats on the map (buyer i: the i-th `seatsPerBuyer` seats in map order), while
 * the board shows them free and the buyer has not tried yet; else undefined (pick at random).
 */
function ownSeats(ctx: BuyerContext, rec: BuyerRecord): string[] | undefined {
  if (rec.holdAttempts > 0) return undefined;
  const start = rec.index * ctx.seatsPerBuyer;
  const seats = ctx.board.seatIds().slice(start, start + ctx.seatsPerBuyer);
  const free = new Set(ctx.board.available());
  return seats.length === ctx.seatsPerBuyer && seats.every((seatId) => free.has(seatId)) ? seats : undefined;
}

/** Picked seats: a fresh snapshot, then `seatsPerBuyer` free seats at random (none → undefined). */
async function pickSeats(ctx: BuyerContext): Promise<string[] | undefined> {
  const { status, body } = await ctx.api.call<{ seats: { seatId: string; status: string; holdExpiresAt?: number }[] }>(
    'GET',
    `/api/events/${ctx.eventId}`,
  );
  if (status !== 200) throw new Finished('failed', `GET event answered ${status}`);
  const now = Date.now();
  const free = body.seats
    .filter((s) => s.status === 'AVAILABLE' || (s.status === 'HELD' && (s.holdExpiresAt ?? 0) < now))
    .map((s) => s.seatId);
  if (free.length < ctx.seatsPerBuyer) return undefined;
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(ctx.random() * (i + 1));
    [free[i], free[j]] = [free[j]!, free[i]!];
  }
  return free.slice(0, ctx.seatsPerBuyer);
}

/**
 * Told sold out: wait until seats come back (a hold lapses, a payment fails) or every seat is sold.
 * The server's answer is fresher than the board, so first let the board move (or 2 s pass).
 */
async function waitForSeats(ctx: BuyerContext, token: string): Promise<void> {
  await ctx.board.changed(2_000);
  for (;;) {
    if (ctx.board.soldOutFor(ctx.seatsPerBuyer)) {
      if (ctx.waitingRoom) await ctx.api.call('DELETE', `/api/events/${ctx.eventId}/queue`, { token });
      throw new Finished('soldOut', 'sold out');
    }
    if (performance.now() > ctx.deadline) throw new Finished('open', 'waiting for seats at the deadline');
    if (ctx.board.available().length >= ctx.seatsPerBuyer) {
      await sleep(ctx.random() * 200); // everyone told at once does not come back at once
      return;
    }
    const nextEnd = ctx.board.nextHoldEnd();
    await ctx.board.changed(nextEnd === undefined ? 2_000 : Math.min(2_000, Math.max(50, nextEnd - Date.now() + 50)));
  }
}

async function pay(ctx: BuyerContext, rec: BuyerRecord, token: string, watch: OrderWatch): Promise<void> {
  const orderId = rec.orderId!;
  for (;;) {
    if (rec.payRequests >= MAX_PAY_REQUESTS) throw new Finished('failed', 'gave up paying');
    rec.phase = 'paying';
    const code = ctx.cardCode(rec.payRequests);
    rec.payRequests += 1;
    const before = watch.latest.version;
    const answer = await ctx.api.call<{ order: OrderView }>('POST', `/api/orders/${orderId}/payment`, {
      token,
      body: { code },
    });
    rec.payRequestedAt ??= performance.now() - answer.ms;
    if (answer.status === 202) watch.offer(answer.body.order);
    else if (answer.body.error?.code === 'HoldExpired') throw new Finished('expired', 'the hold ran out before paying');
    else if (answer.body.error?.code === 'TooLateToPay')
      throw new Finished('expired', 'too little of the hold left to pay');
    else if (answer.status !== 409)
      throw new Finished('failed', `pay answered ${answer.status} ${answer.body.error?.code ?? ''}`);
    const order = await watch.until(
      (o) => ENDED.has(o.status) || (o.status === 'HOLDING' && o.payment.status === 'failed' && o.version > before),
      120_000,
    );
    if (order.status === 'CONFIRMED') {
      rec.outcome = 'ticket';
      rec.ticketIds = (order.tickets ?? []).map((t) => t.ticketId);
      rec.seatIds = [...order.seatIds];
      return;
    }
    if (order.status === 'EXPIRED') throw new Finished('expired', 'the hold ran out while paying');
    if (order.status !== 'HOLDING')
      throw new Finished('failed', `order ${order.status}${order.failureReason ? `: ${order.failureReason}` : ''}`);
    // Declined: the seats are still held; pay again.
  }
}

/** The buyer's view of the order: WebSocket `order` messages, and GETs as the page's fallback. */
class OrderWatch {
  private wake: (() => void) | undefined;
  latest: OrderView;
  pollMs = 1_000;

  constructor(
    private readonly api: ApiClient,
    private readonly token: string,
    initial: OrderView,
  ) {
    this.latest = initial;
  }

  offer(order: OrderView): void {
    if (order.orderId !== this.latest.orderId || order.version <= this.latest.version) return;
    this.latest = order;
    this.wake?.();
  }

  async until(done: (order: OrderView) => boolean, timeoutMs: number): Promise<OrderView> {
    const deadline = performance.now() + timeoutMs;
    let lastPoll = performance.now();
    for (;;) {
      if (done(this.latest)) return this.latest;
      if (performance.now() > deadline)
        throw new Finished(
          'open',
          `order ${this.latest.orderId} still ${this.latest.status} after ${Math.round(timeoutMs / 1000)} s`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (!done(this.latest) && performance.now() - lastPoll >= this.pollMs) {
        lastPoll = performance.now();
        const { status, body } = await this.api.call<{ order: OrderView }>(
          'GET',
          `/api/orders/${this.latest.orderId}`,
          { token: this.token },
        );
        if (status === 200) this.offer(body.order);
      }
    }
  }
}
