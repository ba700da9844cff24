import { parseArgs } from 'node:util';

/** What a drop looks like: `npm run simulate -- --help` lists these with their defaults. */
export interface DropOptions {
  readonly buyers: number;
  /** Seats of the event the simulator creates (ignored with `event`). */
  readonly seats: number;
  /** Use this existing event instead of creating one. */
  readonly event?: string;
  /**
   * best: best available (`quantity`); pick: free seats at random from a fresh snapshot; own: each
   * buyer its own seats on the map (buyer i the i-th `seatsPerBuyer` seats, so no two buyers race
   * while buyers × seats per buyer ≤ seats; a taken one → a random pick), as buyers choosing
   * different seats on the map do.
   */
  readonly mode: 'best' | 'pick' | 'own';
  readonly seatsPerBuyer: number;
  /** 0: everyone arrives at once; else arrivals spread evenly over this many seconds. */
  readonly rampSeconds: number;
  readonly declineRate: number;
  readonly paymentLatencyMs: number;
  readonly slowRate: number;
  readonly notificationLatencyMs: number;
  /** Share of buyers who hold and then walk away (the hold must expire). */
  readonly abandonRate: number;
  readonly holdSeconds: number;
  readonly waitingRoom: boolean;
  readonly maxConcurrent: number;
  readonly viewers: number;
  /** HTTP requests in flight from this process at most (the load generator's own limit). */
  readonly httpConcurrency: number;
  readonly timeoutSeconds: number;
  readonly seed: number;
  /**
   * A chaos drop: the stack the simulator starts with its fault switch on (TICKETDROP_FAULTS=chaos,
   * seeded with `seed`), and buyers retry 5xx answers as a browser would.
   */
  readonly chaos: boolean;
  /** Scripted card codes: a buyer's n-th pay request uses the n-th (the last repeats). Benchmarks only. */
  readonly payCodes?: readonly string[];
}

export interface CliOptions extends DropOptions {
  readonly url?: string;
  readonly adminKey?: string;
  readonly stateMachineArn?: string;
  readonly winners: boolean;
  readonly json: boolean;
  readonly progress: boolean;
  readonly help: boolean;
}

export const DEFAULTS: DropOptions = {
  buyers: 100,
  seats: 20,
  mode: 'best',
  seatsPerBuyer: 1,
  rampSeconds: 0,
  declineRate: 0,
  paymentLatencyMs: 200,
  slowRate: 0,
  notificationLatencyMs: 0,
  abandonRate: 0,
  holdSeconds: 60,
  waitingRoom: false,
  maxConcurrent: 10,
  viewers: 0,
  httpConcurrency: 64,
  timeoutSeconds: 600,
  seed: 1,
  chaos: false,
};

export const USAGE = `npm run simulate -- [options]

  --buyers N             buyers (${DEFAULTS.buyers})
  --seats N              seats of a new event (${DEFAULTS.seats}); or --event ID to use an existing one
  --mode best|pick|own   best available, pick free seats from the snapshot at random, or each buyer its own seats (${DEFAULTS.mode})
  --seats-per-buyer N    seats each buyer wants (${DEFAULTS.seatsPerBuyer})
  --ramp SECONDS         arrivals spread over this long (default: all at once)
  --decline-rate R       share of payment attempts declined (${DEFAULTS.declineRate})
  --payment-latency MS   processor latency (${DEFAULTS.paymentLatencyMs}; started stack only)
  --slow-rate R          share of payment attempts too slow for the 10 s task timeout (${DEFAULTS.slowRate}; started stack only)
  --abandon R            share of buyers who hold and walk away (${DEFAULTS.abandonRate})
  --hold-seconds N       the new event's hold time, ≥ 10 (${DEFAULTS.holdSeconds})
  --waiting-room         put a waiting room in front of the sale
  --max-concurrent N     the waiting room's purchase slots (${DEFAULTS.maxConcurrent})
  --viewers N            extra WebSocket connections that only watch (${DEFAULTS.viewers})
  --http-concurrency N   requests in flight from the simulator at most (${DEFAULTS.httpConcurrency}; a buyer who has an order goes before new arrivals)
  --timeout SECONDS      give up on what is still running after this (${DEFAULTS.timeoutSeconds})
  --seed N               random seed (${DEFAULTS.seed}); also seeds the fault switch with --chaos
  --chaos                inject faults (started stack: TICKETDROP_FAULTS=chaos); buyers retry 5xx answers
  --url URL              a running stack (npm start, or a deployed one); default: start one in its own process
  --admin-key KEY        its admin key (default: .ticketdrop/admin-key for a local URL)
  --state-machine-arn A  count state transitions from execution histories of a --url stack
  --winners              print every buyer who got tickets
  --json                 the whole report as JSON on stdout
  --no-progress          no progress output
`;

export function parseOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      buyers: { type: 'string' },
      seats: { type: 'string' },
      event: { type: 'string' },
      mode: { type: 'string' },
      'seats-per-buyer': { type: 'string' },
      ramp: { type: 'string' },
      'decline-rate': { type: 'string' },
      'payment-latency': { type: 'string' },
      'slow-rate': { type: 'string' },
      'notification-latency': { type: 'string' },
      abandon: { type: 'string' },
      'hold-seconds': { type: 'string' },
      'waiting-room': { type: 'boolean' },
      'max-concurrent': { type: 'string' },
      viewers: { type: 'string' },
      'http-concurrency': { type: 'string' },
      timeout: { type: 'string' },
      seed: { type: 'string' },
      chaos: { type: 'boolean' },
      url: { type: 'string' },
      'admin-key': { type: 'string' },
      'state-machine-arn': { type: 'string' },
      winners: { type: 'boolean' },
      json: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const int = (name: keyof typeof values, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new UsageError(`--${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
  const rate = (name: keyof typeof values, fallback: number): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${name} must be a number in [0, 1]`);
    return n;
  };
  const mode = values.mode ?? DEFAULTS.mode;
  if (mode !== 'best' && mode !== 'pick' && mode !== 'own') throw new UsageError('--mode must be best, pick or own');
  return {
    buyers: int('buyers', DEFAULTS.buyers, 1, 100_000),
    seats: int('seats', DEFAULTS.seats, 1, 20_000),
    ...(values.event === undefined ? {} : { event: values.event }),
    mode,
    seatsPerBuyer: int('seats-per-buyer', DEFAULTS.seatsPerBuyer, 1, 50),
    rampSeconds: int('ramp', DEFAULTS.rampSeconds, 0, 3600),
    declineRate: rate('decline-rate', DEFAULTS.declineRate),
    paymentLatencyMs: int('payment-latency', DEFAULTS.paymentLatencyMs, 0, 60_000),
    slowRate: rate('slow-rate', DEFAULTS.slowRate),
    notificationLatencyMs: int('notification-latency', DEFAULTS.notificationLatencyMs, 0, 60_000),
    abandonRate: rate('abandon', DEFAULTS.abandonRate),
    holdSeconds: int('hold-seconds', DEFAULTS.holdSeconds, 10, 3600),
    waitingRoom: values['waiting-room'] ?? DEFAULTS.waitingRoom,
    maxConcurrent: int('max-concurrent', DEFAULTS.maxConcurrent, 1, 1000),
    viewers: int('viewers', DEFAULTS.viewers, 0, 10_000),
    httpConcurrency: int('http-concurrency', DEFAULTS.httpConcurrency, 1, 10_000),
    timeoutSeconds: int('timeout', DEFAULTS.timeoutSeconds, 10, 86_400),
    seed: int('seed', DEFAULTS.seed, 0),
    chaos: values.chaos ?? DEFAULTS.chaos,
    ...(values.url === undefined ? {} : { url: values.url.replace(/\/+$/, '') }),
    ...(values['admin-key'] === undefined ? {} : { adminKey: values['admin-key'] }),
    ...(values['state-machine-arn'] === undefined ? {} : { stateMachineArn: values['state-machine-arn'] }),
    winners: values.winners ?? false,
    json: values.json ?? false,
    progress: !(values['no-progress'] ?? false),
    help: values.help ?? false,
  };
}

export class UsageError extends Error {}

/** The simulated processor's settings, for a stack the simulator starts. */
export function processorEnvironment(options: DropOptions): Record<string, string> {
  return {
    PAYMENT_DECLINE_RATE: String(options.declineRate),
    PAYMENT_LATENCY_MS: String(options.paymentLatencyMs),
    PAYMENT_SLOW_RATE: String(options.slowRate),
    NOTIFICATION_LATENCY_MS: String(options.notificationLatencyMs),
    EMAIL_FAILURE_RATE: '0',
    SMS_FAILURE_RATE: '0',
    // The handlers' INFO logs would drown the report (and cost the one process time).
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}

/** A seeded PRNG (mulberry32), so a run's choices repeat: the fault switch's own. */
export { seededRandom } from '../../local/faults/seeded-random';

/** rows × seatsPerRow = seats, rows ≤ 200 and seatsPerRow ≤ 200 (the event spec's limits), rows of ≤ 50 preferred. */
export function layoutFor(seats: number): { rows: number; seatsPerRow: number } {
  for (let perRow = Math.min(seats, 50); perRow >= 1; perRow--)
    if (seats % perRow === 0 && seats / perRow <= 200) return { rows: seats / perRow, seatsPerRow: perRow };
  for (let perRow = 51; perRow <= Math.min(seats, 200); perRow++)
    if (seats % perRow === 0 && seats / perRow <= 200) return { rows: seats / perRow, seatsPerRow: perRow };
  throw new UsageError(`${seats} seats cannot be laid out as rows × seats per row (each ≤ 200); pick a nearby number`);
}
