import type { OrderRecord } from '../../../lambdas/core/orders/order-record';
import type { OrderExpectation, OrderRepository } from '../../../lambdas/core/orders/order-repository';
import { OrderNotFound, OrderStateConflict } from '../../../lambdas/core/platform/errors';

/**
 * The orders port in memory, with the DynamoDB adapter's semantics (the shared contract suite in
 * test/support/contracts/ runs against both): guarded transitions throw the same domain errors,
 * `putNew` is idempotent, every update stamps `updatedAt` and adds 1 to `version`. Records are
 * copied in and out, as a table would.
 */
export class FakeOrderRepository implements OrderRepository {
  readonly items = new Map<string, OrderRecord>();
  /** Calls per method, for tests that check what the policy wrote. */
  readonly calls: { method: keyof OrderRepository; orderId: string }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  async get(orderId: string): Promise<OrderRecord> {
    this.calls.push({ method: 'get', orderId });
    const item = this.items.get(orderId);
    if (!item) throw new OrderNotFound(orderId);
    return structuredClone(item);
  }

  async find(orderId: string): Promise<OrderRecord | undefined> {
    this.calls.push({ method: 'find', orderId });
    const item = this.items.get(orderId);
    return item && structuredClone(item);
  }

  async statusOf(orderId: string) {
    this.calls.push({ method: 'statusOf', orderId });
    return this.items.get(orderId)?.status;
  }

  async putNew(order: OrderRecord): Promise<OrderRecord> {
    this.calls.push({ method: 'putNew', orderId: order.orderId });
    const existing = this.items.get(order.orderId);
    if (existing) return structuredClone(existing);
    this.items.set(order.orderId, structuredClone(order));
    return order;
  }

  async update(orderId: string, change: Parameters<OrderRepository['update']>[1]): Promise<OrderRecord> {
    this.calls.push({ method: 'update', orderId });
    const current = this.items.get(orderId);
    if (!current) throw new OrderNotFound(orderId);
    if (!change.from.includes(current.status) || !meets(current, change.expect ?? {}))
      throw new OrderStateConflict(orderId, change.from);

    const next = structuredClone(current) as unknown as Record<string, unknown>;
    for (const [attribute, value] of Object.entries(change.set ?? {})) setPath(next, attribute, structuredClone(value));
    for (const [attribute, amount] of Object.entries(change.increment ?? {})) {
      const before = getPath(next, attribute);
      if (typeof before !== 'number') throw new Error(`ValidationException: ${attribute} is not a number`);
      setPath(next, attribute, before + amount);
    }
    for (const attribute of change.remove ?? []) removePath(next, attribute);
    next.updatedAt = this.now();
    next.version = ((current.version as number | undefined) ?? 0) + 1;
    this.items.set(orderId, next as unknown as OrderRecord);
    return structuredClone(next) as unknown as OrderRecord;
  }
}

/** The adapter's condition fragments, evaluated on the record. */
function meets(order: OrderRecord, expect: OrderExpectation): boolean {
  const chargeId = order.payment?.chargeId;
  const checks: { [K in keyof OrderExpectation]-?: (value: NonNullable<OrderExpectation[K]>) => boolean } = {
    taskToken: (token) => order.taskToken === token,
    withoutTaskToken: () => order.taskToken === undefined,
    version: (version) => order.version === version,
    failureReason: (reason) => order.failureReason === reason,
    paymentAttempt: (attempt) => order.payment?.attempt === attempt,
    intentKey: (key) => order.payment?.intent?.key === key,
    uncharged: () => chargeId === undefined,
    unchargedOr: (id) => chargeId === undefined || chargeId === id,
    charged: () => chargeId !== undefined,
  };
  return Object.entries(expect).every(
    ([name, value]) =>
      value === undefined || (checks[name as keyof OrderExpectation] as (value: unknown) => boolean)(value),
  );
}

/** The map that holds the last part of a dotted path; like DynamoDB, it must exist. */
function parentOf(item: Record<string, unknown>, dotted: string): [Record<string, unknown>, string] {
  const parts = dotted.split('.');
  const last = parts.pop() as string;
  let map = item;
  for (const part of parts) {
    const inner = map[part];
    if (typeof inner !== 'object' || inner === null)
      throw new Error(`ValidationException: the document path ${dotted} is invalid for update`);
    map = inner as Record<string, unknown>;
  }
  return [map, last];
}

function getPath(item: Record<string, unknown>, dotted: string): unknown {
  const [map, last] = parentOf(item, dotted);
  return map[last];
}

function setPath(item: Record<string, unknown>, dotted: string, value: unknown): void {
  const [map, last] = parentOf(item, dotted);
  if (value === undefined) delete map[last];
  else map[last] = value;
}

function removePath(item: Record<string, unknown>, dotted: string): void {
  const parts = dotted.split('.');
  let map: unknown = item;
  for (const part of parts.slice(0, -1)) map = (map as Record<string, unknown> | undefined)?.[part];
  if (typeof map === 'object' && map !== null) delete (map as Record<string, unknown>)[parts.at(-1) as string];
}
