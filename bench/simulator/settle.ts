import type { Store } from '../../lambdas/core/platform/store';
import { RECONCILE_PERIOD } from '../../lib/orders/reconciler-schedule';
import { type AuditReport, auditEvent } from '../../ops/audit';
import { runningExecutionsOf } from './execution-costs';
import { type ApiClient, sleep } from './http';

/**
 * The end of a drop: everything must have ended, whatever failed on the way. Waits (polling,
 * bounded) until no order of the event is open, no execution of its orders runs and no
 * waiting-room slot is held by an ended order — each open order gets until its deadline (hold or
 * payment window) plus one reconciler period — then reads what was left, runs the money audit,
 * and reads the fault counts of the local stack.
 */

/** The reconciler's period (every minute on AWS, the same timer locally): stragglers end within it. */
export const RECONCILER_PERIOD_MS = RECONCILE_PERIOD.toMilliseconds();
const POLL_MS = 1_000;

export interface Leftovers {
  /** Orders still HOLDING or PAYING after the wait. */
  readonly openOrders: number;
  /** Executions of the event's orders still RUNNING after the wait. */
  readonly runningExecutions: number;
  /** Waiting-room slots bound to orders that ended, or admissions that lapsed (0 without a room). */
  readonly leakedSlots: number;
}

export interface SettleTarget {
  readonly stateMachineArn?: string;
  readonly stepFunctionsEndpoint?: string;
}

interface AdminOrder {
  readonly orderId: string;
  readonly status: string;
  readonly holdExpiresAt: number;
}
interface AdminWaitingRoom {
  readonly settings: { readonly admissionSeconds: number };
  readonly active: readonly { buyerId: string; admittedAt: number; orderId?: string }[];
}

const OPEN = new Set(['HOLDING', 'PAYING']);

export async function waitForSettled(
  api: ApiClient,
  target: SettleTarget,
  eventId: string,
  options: { waitingRoom: boolean; maxWaitMs: number },
): Promise<Leftovers> {
  const startedAt = Date.now();
  for (;;) {
    const orders = await adminOrders(api, eventId);
    const open = orders.filter((o) => OPEN.has(o.status));
    const runningExecutions = target.stateMachineArn
      ? await runningExecutionsOf(
          target.stepFunctionsEndpoint,
          target.stateMachineArn,
          orders.map((o) => o.orderId),
        )
      : 0;
    const leakedSlots = options.waitingRoom ? await leakedSlotsOf(api, eventId, orders) : 0;
    const leftovers = { openOrders: open.length, runningExecutions, leakedSlots };
    if (open.length === 0 && runningExecutions === 0 && leakedSlots === 0) return leftovers;
    // An open order has until its hold (or, paying, the payment window: not in the admin view, so
    // the hold plus the reconciler's period stands for it) plus one reconciler period.
    const latest = Math.max(0, ...open.map((o) => o.holdExpiresAt));
    const deadline = Math.min(
      startedAt + options.maxWaitMs,
      Math.max(startedAt + 30_000, latest + 2 * RECONCILER_PERIOD_MS),
    );
    if (Date.now() > deadline) return leftovers;
    await sleep(POLL_MS);
  }
}

async function adminOrders(api: ApiClient, eventId: string): Promise<AdminOrder[]> {
  const { status, body } = await api.call<{ orders: AdminOrder[] }>(
    'GET',
    `/api/admin/events/${eventId}/orders?status=all`,
    { admin: true },
  );
  if (status !== 200) throw new Error(`GET orders answered ${status}`);
  return body.orders;
}

/**
 * Slots still taken by an order that has ended (its ending never freed the slot), or by an
 * admission whose window passed. The operator read moves the queue along first, as any status
 * read does, so an admission that merely lapsed since is freed by it and not counted.
 */
async function leakedSlotsOf(api: ApiClient, eventId: string, orders: readonly AdminOrder[]): Promise<number> {
  const { status, body } = await api.call<{ queue: AdminWaitingRoom }>('GET', `/api/admin/events/${eventId}/queue`, {
    admin: true,
  });
  if (status !== 200) throw new Error(`GET queue answered ${status}`);
  const ended = new Set(orders.filter((o) => !OPEN.has(o.status)).map((o) => o.orderId));
  const now = Date.now();
  return body.queue.active.filter((slot) =>
    slot.orderId !== undefined
      ? ended.has(slot.orderId)
      : slot.admittedAt + body.queue.settings.admissionSeconds * 1000 < now,
  ).length;
}

/**
 * The money audit, in this process (it reads the tables directly). A compensation that is
 * between its status write and its refund right now is not a lost charge: a report that is not
 * clean is taken again a few times, a few seconds apart, before it counts.
 */
export async function settledAudit(store: Store, eventId: string): Promise<AuditReport> {
  let report = await auditEvent(store, eventId);
  for (let retry = 0; !report.clean && retry < 5; retry++) {
    await sleep(2_000);
    report = await auditEvent(store, eventId);
  }
  return report;
}

/**
 * Faults injected by the local stack, by kind (`GET /_local/faults`). A stack without the fault
 * switch answers 404 — or, being a single-page site outside `/api/`, its index.html: both mean none.
 */
export async function faultCounts(baseUrl: string): Promise<Record<string, number>> {
  try {
    const response = await fetch(`${baseUrl}/_local/faults`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return {};
    const body = (await response.json().catch(() => undefined)) as { counts?: unknown } | undefined;
    if (!body || typeof body.counts !== 'object' || body.counts === null) return {};
    return Object.fromEntries(
      Object.entries(body.counts as Record<string, unknown>).filter(
        (e): e is [string, number] => typeof e[1] === 'number',
      ),
    );
  } catch {
    return {};
  }
}
