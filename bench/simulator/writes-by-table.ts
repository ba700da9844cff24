import type { DynamoOperation } from './aws-meter';

/**
 * A run's DynamoDB writes by table, per unit (order), from the meter's by-caller counts, and the
 * split between TicketDrop's own tables and the card processor's ledger. The `payments` table is
 * the *simulated* processor's ledger: on AWS the processor is a third party (Stripe or similar)
 * and its writes are its own, not our table's — so cost figures print them apart (and the total).
 */

/** Tables that stand in for a third party's storage (the simulated card processor's ledger). */
export const PROCESSOR_TABLES: ReadonlySet<string> = new Set(['payments']);

export interface TableWrites {
  readonly requests: number;
  readonly wcu: number;
}

const WRITES = /^(PutItem|UpdateItem|DeleteItem|Put|Update|Delete|TransactWriteItems|BatchWriteItem)$/;

/**
 * The operation and table(s) of a meter key `<handler> › <module> · <operation> <table>[.index]`
 * (a transaction or batch names its tables joined by `+`).
 */
export function operationOf(callerKey: string): { operation: string; tables: string[] } {
  const [operation = '', target = ''] = (callerKey.split(' · ').pop() ?? '').split(' ');
  return { operation, tables: target.split('+').map((table) => table.replace(/\..*$/, '')) };
}

/**
 * Write requests and units (refused writes' estimated units included) per unit, by table. A
 * request that spans tables counts under their `+`-joined names.
 */
export function writesByTable(byCaller: Record<string, DynamoOperation>, per: number): Record<string, TableWrites> {
  const unit = Math.max(1, per);
  const sums = new Map<string, { requests: number; wcu: number }>();
  for (const [key, op] of Object.entries(byCaller)) {
    const { operation, tables } = operationOf(key);
    if (!WRITES.test(operation)) continue;
    const table = tables.join('+');
    const sum = sums.get(table) ?? { requests: 0, wcu: 0 };
    sum.requests += op.calls;
    sum.wcu += op.writeUnits + op.estimatedWriteUnits;
    sums.set(table, sum);
  }
  const round = (v: number) => Math.round((v / unit) * 100) / 100;
  return Object.fromEntries(
    [...sums]
      .sort(([, a], [, b]) => b.wcu - a.wcu)
      .map(([table, sum]) => [table, { requests: round(sum.requests), wcu: round(sum.wcu) }]),
  );
}

/** TicketDrop's own writes and the processor's, per unit (a request counts as the processor's only if all its tables are). */
export function ownAndProcessorWrites(byTable: Record<string, TableWrites>): {
  readonly own: TableWrites;
  readonly processor: TableWrites;
} {
  const own = { requests: 0, wcu: 0 };
  const processor = { requests: 0, wcu: 0 };
  for (const [table, writes] of Object.entries(byTable)) {
    const sum = table.split('+').every((t) => PROCESSOR_TABLES.has(t)) ? processor : own;
    sum.requests += writes.requests;
    sum.wcu += writes.wcu;
  }
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    own: { requests: round(own.requests), wcu: round(own.wcu) },
    processor: { requests: round(processor.requests), wcu: round(processor.wcu) },
  };
}
