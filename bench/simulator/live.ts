import WebSocket from 'ws';
import { type LiveMessage, parseLiveMessage, type SeatDelta } from '../../contract/live-messages';
import type { ApiClient } from './http';

/**
 * WebSocket side of the simulator: sockets that count what they cost (connections,
 * connection-time, messages both ways), the seat board every simulated buyer looks at, and
 * viewers that only watch and time each seat change.
 */

export class SocketMeter {
  connections = 0;
  connectionMs = 0;
  messagesIn = 0;
  messagesOut = 0;
  subscribes = 0;
  refused = 0;
}

export class LiveSocket {
  private openedAt = 0;
  private closed = false;
  private constructor(
    private readonly socket: WebSocket,
    private readonly meter: SocketMeter,
  ) {}

  /** Connects (with `?token=` to receive my orders), subscribes to `eventId` when given. */
  static open(
    url: string,
    meter: SocketMeter,
    options: { token?: string; eventId?: string; onMessage: (message: LiveMessage) => void },
  ): Promise<LiveSocket> {
    const target = options.token ? `${url}?token=${encodeURIComponent(options.token)}` : url;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(target);
      const live = new LiveSocket(socket, meter);
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error('WebSocket: no answer within 15 s'));
      }, 15_000);
      socket.on('message', (data) => {
        meter.messagesIn += 1;
        const message = parseLiveMessage(String(data));
        if (!message) return;
        if (message.type === 'subscribed' && options.eventId) {
          clearTimeout(timer);
          resolve(live);
        }
        options.onMessage(message);
      });
      socket.once('open', () => {
        meter.connections += 1;
        live.openedAt = performance.now();
        if (options.eventId) {
          meter.messagesOut += 1;
          meter.subscribes += 1;
          socket.send(JSON.stringify({ action: 'subscribe', eventId: options.eventId }));
        } else {
          clearTimeout(timer);
          resolve(live);
        }
      });
      socket.once('unexpected-response', (_req, res) => {
        meter.refused += 1;
        clearTimeout(timer);
        reject(new Error(`WebSocket refused: ${res.statusCode}`));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('close', () => live.account());
    });
  }

  private account(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.openedAt) this.meter.connectionMs += performance.now() - this.openedAt;
  }

  close(): void {
    this.account();
    this.socket.close();
  }
}

interface BoardSeat {
  status: SeatDelta['status'];
  version: number;
  holdExpiresAt?: number;
}

/**
 * The seat map and waiting room as every buyer's page sees them: the snapshot plus deltas from one
 * WebSocket watcher (queue messages go to every viewer alike, so one socket stands for all of
 * them). Buyers who were told `SoldOut` wait here until seats come back or every seat is sold.
 */
export class SeatBoard {
  private readonly seats = new Map<string, BoardSeat>();
  private readonly waiters = new Set<() => void>();
  private socket: LiveSocket | undefined;
  private refresher: NodeJS.Timeout | undefined;
  servingPosition = 0;
  soldOut = false;
  private waitingRoomVersion = -1;

  constructor(
    private readonly api: ApiClient,
    private readonly eventId: string,
  ) {}

  async start(webSocketUrl: string, meter: SocketMeter): Promise<void> {
    this.socket = await LiveSocket.open(webSocketUrl, meter, {
      eventId: this.eventId,
      onMessage: (message) => {
        if (message.type === 'seats' && message.eventId === this.eventId) this.apply(message.seats);
        if (message.type === 'queue' && message.eventId === this.eventId && message.version > this.waitingRoomVersion) {
          this.waitingRoomVersion = message.version;
          this.servingPosition = message.servingPosition;
          this.soldOut = message.soldOut;
          this.wake();
        }
      },
    });
    await this.refresh();
    // Deltas can be missed (a socket is best effort): a fresh snapshot now and then, only while someone waits.
    this.refresher = setInterval(() => {
      if (this.waiters.size > 0) void this.refresh().catch(() => undefined);
    }, 2_000);
  }

  stop(): void {
    clearInterval(this.refresher);
    this.socket?.close();
    for (const wake of this.waiters) wake();
  }

  async refresh(): Promise<void> {
    const { status, body } = await this.api.call<{ seats: (SeatDelta & { seatId: string })[] }>(
      'GET',
      `/api/events/${this.eventId}`,
    );
    if (status === 200) this.apply(body.seats);
  }

  private apply(deltas: readonly SeatDelta[]): void {
    for (const delta of deltas) {
      const seat = this.seats.get(delta.seatId);
      if (seat && seat.version >= delta.version) continue;
      this.seats.set(delta.seatId, {
        status: delta.status,
        version: delta.version,
        ...(delta.holdExpiresAt === undefined ? {} : { holdExpiresAt: delta.holdExpiresAt }),
      });
    }
    this.wake();
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Every seat of the map, in the map's order (rows, then numbers). */
  seatIds(): string[] {
    return [...this.seats.keys()];
  }

  /** Seats a buyer could take now (a lapsed hold counts as free, as the snapshot shows it). */
  available(now = Date.now()): string[] {
    const free: string[] = [];
    for (const [seatId, seat] of this.seats) {
      if (seat.status === 'AVAILABLE' || (seat.status === 'HELD' && (seat.holdExpiresAt ?? 0) < now)) free.push(seatId);
    }
    return free;
  }

  /** Fewer than `quantity` seats are unsold: nothing a buyer of `quantity` seats can still get. */
  soldOutFor(quantity: number): boolean {
    if (this.seats.size === 0) return false;
    let unsold = 0;
    for (const seat of this.seats.values()) if (seat.status !== 'SOLD' && ++unsold >= quantity) return false;
    return true;
  }

  get seatCount(): number {
    return this.seats.size;
  }

  soldCount(): number {
    let sold = 0;
    for (const seat of this.seats.values()) if (seat.status === 'SOLD') sold += 1;
    return sold;
  }

  /** The earliest end of a hold still running (a seat may come back then). */
  nextHoldEnd(now = Date.now()): number | undefined {
    let next: number | undefined;
    for (const seat of this.seats.values()) {
      if (seat.status === 'HELD' && seat.holdExpiresAt !== undefined && seat.holdExpiresAt >= now)
        next = Math.min(next ?? Infinity, seat.holdExpiresAt);
    }
    return next;
  }

  /** Resolves at the next change the board sees, or after `ms`. */
  changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        resolve();
      }, ms);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.add(done);
    });
  }
}

/**
 * Viewers: sockets that only watch the event. Each times every hold it sees: a hold's write sets
 * `holdExpiresAt = now + holdSeconds`, so the delta itself says when the seat changed.
 */
export class Viewers {
  readonly latenciesMs: number[] = [];
  /** Per hold (once, whichever viewer sees it first): its write → the build of the version that carries it. */
  readonly buildLatenciesMs: number[] = [];
  /** Per message and viewer: the build of its version → its arrival. */
  readonly deliveryLatenciesMs: number[] = [];
  private readonly built = new Set<string>();
  readonly messagesPerViewer: number[] = [];
  private readonly sockets: LiveSocket[] = [];
  startedAt = 0;
  stoppedAt = 0;

  constructor(
    private readonly count: number,
    private readonly eventId: string,
    private readonly holdSeconds: number,
  ) {}

  async start(webSocketUrl: string, meter: SocketMeter): Promise<void> {
    for (let i = 0; i < this.count; i += 50) {
      const batch = Array.from({ length: Math.min(50, this.count - i) }, (_, j) =>
        this.open(i + j, webSocketUrl, meter),
      );
      this.sockets.push(...(await Promise.all(batch)));
    }
    this.startedAt = performance.now();
  }

  private open(index: number, url: string, meter: SocketMeter): Promise<LiveSocket> {
    this.messagesPerViewer[index] = 0;
    // Each hold is timed once, at its first arrival: the same hold seen again (extended for the
    // payment window, or repeated) would time the later write from the hold's own timestamp.
    const timed = new Set<string>();
    return LiveSocket.open(url, meter, {
      eventId: this.eventId,
      onMessage: (message) => {
        if (message.type !== 'seats') return;
        this.messagesPerViewer[index] = (this.messagesPerViewer[index] ?? 0) + 1;
        const now = Date.now();
        const { builtAt } = message;
        if (builtAt !== undefined) this.deliveryLatenciesMs.push(now - builtAt);
        for (const seat of message.seats) {
          if (seat.status !== 'HELD' || seat.holdExpiresAt === undefined || timed.has(seat.seatId)) continue;
          timed.add(seat.seatId);
          const changedAt = seat.holdExpiresAt - this.holdSeconds * 1000;
          this.latenciesMs.push(now - changedAt);
          if (builtAt !== undefined && !this.built.has(seat.seatId)) {
            this.built.add(seat.seatId);
            this.buildLatenciesMs.push(builtAt - changedAt);
          }
        }
      },
    });
  }

  stop(): void {
    this.stoppedAt = performance.now();
    for (const socket of this.sockets) socket.close();
  }
}
