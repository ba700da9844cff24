import type { Store } from '../../lambdas/core/platform/store';
import { type DynamoOperation, meterTotals, type StackMeter } from './aws-meter';
import { type BuyerContext, type BuyerRecord, newBuyerRecord, type Outcome, type Phase, runBuyer } from './buyer';
import { type CostReport, priceUsage, type Usage } from './cost';
import { type ExecutionCost, executionCosts } from './execution-costs';
import { type Fairness, fairnessOf } from './fairness';
import { ApiClient, sleep } from './http';
import { SeatBoard, SocketMeter, Viewers } from './live';
import { type DropOptions, layoutFor, seededRandom } from './options';
import { faultCounts, settledAudit, waitForSettled } from './settle';
import { type Summary, summarize } from './stats';
import { usageOf } from './usage';
import { type AdminTicket, checkOversell, type OversellCheck } from './verify';

/**
 * One drop: create the event (admin API), let the buyers loose, then check what happened —
 * outcomes, oversell, open orders, fairness, latencies, and the AWS operations it caused.
 */

export interface Target {
  readonly url: string;
  readonly webSocketUrl: string;
  readonly adminKey?: string;
  /** Read execution histories from this state machine (transitions, step Lambdas). */
  readonly stateMachineArn?: string;
  /** Step Functions endpoint (the local stack's own URL); the SDK's default (AWS) when absent. */
  readonly stepFunctionsEndpoint?: string;
  /** Present when the simulator started the stack (in this process or its own): its SDK calls are counted. */
  readonly meter?: StackMeter;
  /** The stack's processor is configured by the simulator (else test cards stand for declines). */
  readonly processorConfigured: boolean;
  /** The stack's tables, when the simulator can reach its DynamoDB: the money audit reads them. */
  readonly store?: Store;
}

/** The money audit's counts (ops/audit.ts), as the report carries them. */
export interface MoneyCounts {
  readonly charged: number;
  readonly ticketed: number;
  readonly refunded: number;
  readonly unaccounted: number;
  readonly doubleCharged: number;
}

export type Progress = Record<Phase, number> & {
  readonly buyers: number;
  readonly tickets: number;
  readonly elapsedSeconds: number;
};

export interface Winner {
  readonly buyerId: string;
  readonly orderId: string;
  readonly seats: readonly string[];
  readonly ticketIds: readonly string[];
}

export interface DropResult {
  readonly eventId: string;
  readonly options: DropOptions;
  readonly seats: number;
  readonly startedAt: string;
  readonly durationSeconds: number;
  /** First arrival → last ticket confirmed. */
  readonly sellOutSeconds: number | null;
  readonly ticketsSold: number;
  readonly outcomes: Record<Outcome, number>;
  /** Orders still HOLDING or PAYING after the end-of-drop wait (deadline + a reconciler period). */
  readonly openOrders: number;
  /** Executions of the event's orders still RUNNING after that wait. */
  readonly runningExecutions: number;
  /** Seats with two or more valid tickets (the money audit's count; from the admin ticket list without it). */
  readonly oversold: number;
  /** The money audit; null for a stack the simulator did not start (--url). */
  readonly money: MoneyCounts | null;
  readonly waitingRoom: { readonly leakedSlots: number };
  /** Faults the local stack injected, by kind (GET /_local/faults); {} when none or no switch. */
  readonly faults: Record<string, number>;
  /** The audit's problems, for the report (not in the JSON summary's required fields). */
  readonly auditProblems: readonly {
    kind: string;
    orderId?: string;
    seatId?: string;
    chargeId?: string;
    detail: string;
  }[];
  /** 5xx answers the buyers retried (chaos drops). */
  readonly serverErrorsRetried: number;
  readonly oversell: OversellCheck;
  readonly fairness: Fairness & { readonly of: string };
  readonly latencyMs: {
    readonly joinToAdmitted: Summary;
    readonly hold: Summary;
    readonly payToConfirmed: Summary;
    readonly changeToViewer: Summary;
    /** Its two parts: change → the map version that carries it is built (stream, tick, build; one per hold) … */
    readonly changeToBuild: Summary;
    /** … and build → viewer (map write, shard jobs, posts, the viewers' own event loop; one per message and viewer). */
    readonly buildToViewer: Summary;
  };
  readonly throughput: { readonly ticketsPerSecond: number; readonly httpRequestsPerSecond: number };
  readonly viewers: { readonly count: number; readonly messagesPerViewerPerSecond: number };
  readonly usage: Usage;
  readonly cost: CostReport;
  readonly executions: { readonly count: number; readonly byStatus: Record<string, number> };
  readonly dynamoOperations?: Record<string, DynamoOperation>;
  /** The same requests by caller and table (aws-meter.ts `callerOf`), when the stack's SDK is metered. */
  readonly dynamoByCaller?: Record<string, DynamoOperation>;
  readonly failureReasons: Record<string, number>;
  readonly winners: Winner[];
  readonly verdict: { readonly ok: boolean; readonly problems: string[] };
  /** Per-order execution costs (for the cost-profile benchmark). */
  readonly executionCosts: ExecutionCost[];
  readonly records: BuyerRecord[];
}

export async function runDrop(
  options: DropOptions,
  target: Target,
  onProgress?: (p: Progress) => void,
): Promise<DropResult> {
  const api = new ApiClient(target.url, target.adminKey, options.httpConcurrency, { retryServerErrors: options.chaos });
  const random = seededRandom(options.seed);
  const startedAt = new Date().toISOString();
  const { eventId, seatCount, holdSeconds, waitingRoom } = await prepareEvent(api, options);

  await target.meter?.reset();
  const meter = new SocketMeter();
  const board = new SeatBoard(api, eventId);
  await board.start(target.webSocketUrl, meter);
  const viewers = new Viewers(options.viewers, eventId, holdSeconds);
  await viewers.start(target.webSocketUrl, meter);

  const records = Array.from({ length: options.buyers }, (_, i) => newBuyerRecord(i, random() < options.abandonRate));
  const cardCode = options.payCodes?.length
    ? (n: number) => options.payCodes![Math.min(n, options.payCodes!.length - 1)]!
    : target.processorConfigured
      ? () => String(40000 + Math.floor(random() * 60000)) // no test card: the processor's rates decide
      : () => (random() < options.declineRate ? '00000' : '11111'); // test cards: always declined / approved
  const t0 = performance.now();
  const ctx: BuyerContext = {
    api,
    board,
    meter,
    webSocketUrl: target.webSocketUrl,
    eventId,
    mode: options.mode,
    seatsPerBuyer: options.seatsPerBuyer,
    waitingRoom,
    holdSeconds,
    cardCode,
    random,
    deadline: t0 + options.timeoutSeconds * 1000,
  };
  const requestsBefore = api.requestCount;
  const progress = (): Progress => {
    const counts: Record<Phase, number> = { arriving: 0, waiting: 0, admitted: 0, holding: 0, paying: 0, done: 0 };
    for (const r of records) counts[r.phase] += 1;
    return {
      ...counts,
      buyers: records.length,
      tickets: records.filter((r) => r.outcome === 'ticket').length,
      elapsedSeconds: (performance.now() - t0) / 1000,
    };
  };
  const ticker = onProgress ? setInterval(() => onProgress(progress()), 250) : undefined;
  try {
    await Promise.all(
      records.map(async (rec) => {
        if (options.rampSeconds > 0) await sleep((rec.index / options.buyers) * options.rampSeconds * 1000);
        await runBuyer(ctx, rec);
      }),
    );
  } finally {
    clearInterval(ticker);
    onProgress?.(progress());
  }
  const t1 = performance.now();
  const buyerRequests = api.requestCount - requestsBefore;
  viewers.stop();
  board.stop();
  await sleep(1_000); // $disconnects and the last stream batches land
  const counted = await target.meter?.snapshot();
  const sdk = counted
    ? {
        totals: meterTotals(counted),
        streamBatches: counted.streamBatches,
        operations: counted.dynamo,
        byCaller: counted.byCaller,
      }
    : undefined;

  // Everything must end, whatever failed: wait (bounded) for open orders, running executions and
  // waiting-room slots of ended orders to be finished by their flows or the reconciler.
  const leftovers = await waitForSettled(api, target, eventId, {
    waitingRoom,
    maxWaitMs: Math.max(30_000, Math.min(options.timeoutSeconds * 1000, (holdSeconds + 20) * 1000 + 2 * 60_000)),
  });
  const openOrders = leftovers.openOrders;
  // Verification through the APIs: the admin ticket list, the public seat table.
  const tickets = await api.call<{ tickets: AdminTicket[] }>('GET', `/api/admin/events/${eventId}/tickets`, {
    admin: true,
  });
  if (tickets.status !== 200) throw new Error(`GET tickets answered ${tickets.status}`);
  const snapshot = await api.call<{ seats: { seatId: string; status: string }[] }>('GET', `/api/events/${eventId}`);
  const winners = records.filter((r) => r.outcome === 'ticket');
  const oversell = checkOversell(
    seatCount,
    tickets.body.tickets,
    snapshot.body.seats,
    winners.map((r) => ({ orderId: r.orderId!, ticketIds: r.ticketIds })),
  );
  const audit = target.store ? await settledAudit(target.store, eventId) : undefined;
  const oversold = audit ? audit.oversold : seatsInTwoTickets(tickets.body.tickets);
  const money: MoneyCounts | null = audit
    ? {
        charged: audit.money.charged,
        ticketed: audit.money.ticketed,
        refunded: audit.money.refunded,
        unaccounted: audit.money.unaccounted,
        doubleCharged: audit.money.doubleCharged,
      }
    : null;
  const faults = await faultCounts(target.url);

  const outcomes: Record<Outcome, number> = { ticket: 0, soldOut: 0, failed: 0, expired: 0, open: 0 };
  for (const r of records) outcomes[r.outcome ?? 'open'] += 1;
  const failureReasons: Record<string, number> = {};
  for (const r of records)
    if (r.outcome === 'failed' || r.outcome === 'open')
      failureReasons[r.reason ?? '?'] = (failureReasons[r.reason ?? '?'] ?? 0) + 1;

  const orderIds = records.flatMap((r) => r.orderIds);
  const costs = target.stateMachineArn
    ? await executionCosts(target.stepFunctionsEndpoint, target.stateMachineArn, orderIds)
    : [];
  const ticketsSold = tickets.body.tickets.length;
  const usage = usageOf({ buyerRequests, meter, costs, sdk, ticketsSold, records, target });
  const lastTicket = Math.max(...winners.map((r) => r.endedAt ?? 0));
  const sellOutSeconds = winners.length > 0 ? (lastTicket - t0) / 1000 : null;
  const viewerSeconds = Math.max(0.001, (viewers.stoppedAt - viewers.startedAt) / 1000);

  const problems = [...oversell.problems];
  if (oversold > 0) problems.push(`${oversold} seats oversold (two or more valid tickets)`);
  if (openOrders > 0) problems.push(`${openOrders} orders still open (HOLDING or PAYING) at the end`);
  if (leftovers.runningExecutions > 0)
    problems.push(`${leftovers.runningExecutions} executions still running at the end`);
  if (leftovers.leakedSlots > 0)
    problems.push(`${leftovers.leakedSlots} waiting-room slots leaked (held by ended orders or lapsed admissions)`);
  if (money && money.unaccounted > 0)
    problems.push(`${money.unaccounted} charges unaccounted (neither ticketed nor refunded)`);
  if (money && money.doubleCharged > 0) problems.push(`${money.doubleCharged} orders charged twice`);
  // The audit's own findings, named (the first 20): the counts above say how bad, these say where.
  const named = (audit?.problems ?? []).map(
    (p) =>
      `audit: ${p.kind}${p.orderId ? ` order ${p.orderId}` : ''}${p.seatId ? ` seat ${p.seatId}` : ''}: ${p.detail}`,
  );
  problems.push(...named.slice(0, 20));
  if (named.length > 20) problems.push(`audit: ${named.length - 20} more problems (npm run audit -- ${eventId})`);
  if (outcomes.open > 0) problems.push(`${outcomes.open} buyers still had something open at the end`);
  const ticketSeats = winners.reduce((n, r) => n + r.seatIds.length, 0);
  if (ticketSeats !== ticketsSold)
    problems.push(`buyers confirmed ${ticketSeats} seats, the admin list has ${ticketsSold} tickets`);

  const span = (from: (r: BuyerRecord) => number | undefined, to: (r: BuyerRecord) => number | undefined) =>
    records.flatMap((r) => (from(r) !== undefined && to(r) !== undefined ? [to(r)! - from(r)!] : []));
  const byStatus: Record<string, number> = {};
  for (const c of costs) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;

  return {
    eventId,
    options,
    seats: seatCount,
    startedAt,
    durationSeconds: (t1 - t0) / 1000,
    sellOutSeconds,
    ticketsSold,
    outcomes,
    openOrders,
    runningExecutions: leftovers.runningExecutions,
    oversold,
    money,
    waitingRoom: { leakedSlots: leftovers.leakedSlots },
    faults,
    auditProblems: audit?.problems ?? [],
    serverErrorsRetried: api.serverErrorsRetried,
    oversell,
    fairness: waitingRoom
      ? {
          of: 'admission order vs arrival (join) order',
          ...fairnessOf(
            records,
            (r) => r.joinedAt,
            (r) => r.admittedAt,
          ),
        }
      : {
          of: 'order of holds obtained vs arrival order',
          ...fairnessOf(
            records,
            (r) => r.arrivedAt,
            (r) => r.heldAt,
          ),
        },
    latencyMs: {
      joinToAdmitted: summarize(
        span(
          (r) => r.joinedAt,
          (r) => r.admittedAt,
        ),
      ),
      hold: summarize(
        span(
          (r) => r.holdRequestedAt,
          (r) => r.heldAt,
        ),
      ),
      payToConfirmed: summarize(
        span(
          (r) => r.payRequestedAt,
          (r) => (r.outcome === 'ticket' ? r.endedAt : undefined),
        ),
      ),
      changeToViewer: summarize(viewers.latenciesMs),
      changeToBuild: summarize(viewers.buildLatenciesMs),
      buildToViewer: summarize(viewers.deliveryLatenciesMs),
    },
    throughput: {
      ticketsPerSecond: sellOutSeconds ? ticketsSold / sellOutSeconds : 0,
      httpRequestsPerSecond: buyerRequests / ((t1 - t0) / 1000),
    },
    viewers: {
      count: options.viewers,
      messagesPerViewerPerSecond:
        options.viewers === 0
          ? 0
          : viewers.messagesPerViewer.reduce((a, b) => a + b, 0) / options.viewers / viewerSeconds,
    },
    usage,
    cost: priceUsage(usage, ticketsSold),
    executions: { count: costs.length, byStatus },
    ...(sdk ? { dynamoOperations: sdk.operations, dynamoByCaller: sdk.byCaller } : {}),
    failureReasons,
    winners: winners.map((r) => ({
      buyerId: r.buyerId!,
      orderId: r.orderId!,
      seats: r.seatIds,
      ticketIds: r.ticketIds,
    })),
    verdict: { ok: problems.length === 0, problems },
    executionCosts: costs,
    records,
  };
}

async function prepareEvent(api: ApiClient, options: DropOptions) {
  if (options.event) {
    const { status, body } = await api.call<{
      event: { eventId: string; seatCount: number; holdSeconds: number; waitingRoom?: { enabled: boolean } };
    }>('GET', `/api/events/${options.event}`);
    if (status !== 200) throw new Error(`GET /api/events/${options.event} answered ${status}`);
    return {
      eventId: body.event.eventId,
      seatCount: body.event.seatCount,
      holdSeconds: body.event.holdSeconds,
      waitingRoom: body.event.waitingRoom?.enabled === true,
    };
  }
  const eventId = `drop-${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
  const spec = {
    eventId,
    name: `Simulated drop ${eventId}`,
    venue: 'The Simulator',
    ...layoutFor(options.seats),
    priceCents: 5000,
    currency: 'EUR',
    holdSeconds: options.holdSeconds,
    maxSeatsPerOrder: options.seatsPerBuyer,
    ...(options.waitingRoom ? { waitingRoom: { enabled: true, maxActivePurchasers: options.maxConcurrent } } : {}),
  };
  const created = await api.call('POST', '/api/events', { admin: true, body: spec });
  // 409 EventExists: a retried create (chaos) whose first try went through.
  const retriedCreate = created.status === 409 && created.body.error?.code === 'EventExists' && options.chaos;
  if (created.status !== 201 && !retriedCreate)
    throw new Error(`POST /api/events answered ${created.status}: ${JSON.stringify(created.body)}`);
  return { eventId, seatCount: options.seats, holdSeconds: options.holdSeconds, waitingRoom: options.waitingRoom };
}

/** Seats that appear in two or more tickets of the admin list (without the money audit). */
function seatsInTwoTickets(tickets: readonly AdminTicket[]): number {
  const perSeat = new Map<string, number>();
  for (const t of tickets) perSeat.set(t.seatId, (perSeat.get(t.seatId) ?? 0) + 1);
  return [...perSeat.values()].filter((n) => n > 1).length;
}
