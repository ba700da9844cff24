import type { DynamoOperation } from './aws-meter';

/**
 * Where a run's DynamoDB requests went, per unit (ticket, order): by handler (the Lambda or local
 * component that made them: `api/orders`, `steps/charge-payment`, `realtime/broadcaster`, …) and,
 * in detail, by handler › domain module · operation table. Operators read it to see which path
 * to cut; benchmarks print both and put them in their `--json` summary.
 */

export interface CallerRow {
  readonly caller: string;
  readonly requests: number;
  readonly refused: number;
  readonly wcu: number;
  readonly rcu: number;
}

/** Per-unit figures by handler (the part of the key before ` › `), most requests first. */
export function requestsByHandler(byCaller: Record<string, DynamoOperation>, per: number): CallerRow[] {
  const handlers = new Map<string, DynamoOperation>();
  for (const [key, op] of Object.entries(byCaller)) {
    const handler = key.split(' › ')[0] ?? key;
    const sum = handlers.get(handler) ?? { calls: 0, refused: 0, readUnits: 0, writeUnits: 0, estimatedWriteUnits: 0 };
    sum.calls += op.calls;
    sum.refused += op.refused;
    sum.readUnits += op.readUnits;
    sum.writeUnits += op.writeUnits;
    sum.estimatedWriteUnits += op.estimatedWriteUnits;
    handlers.set(handler, sum);
  }
  return rowsOf(handlers, per);
}

/** Per-unit figures by full caller key, most requests first (the first `limit`). */
export function requestsByCallerKey(
  byCaller: Record<string, DynamoOperation>,
  per: number,
  limit = Number.POSITIVE_INFINITY,
): CallerRow[] {
  return rowsOf(new Map(Object.entries(byCaller)), per).slice(0, limit);
}

function rowsOf(map: Map<string, DynamoOperation>, per: number): CallerRow[] {
  const unit = Math.max(1, per);
  const round = (v: number) => Math.round((v / unit) * 100) / 100;
  return [...map]
    .map(([caller, op]) => ({
      caller,
      requests: round(op.calls),
      refused: round(op.refused),
      wcu: round(op.writeUnits + op.estimatedWriteUnits),
      rcu: round(op.readUnits),
    }))
    .sort((a, b) => b.requests - a.requests || a.caller.localeCompare(b.caller));
}

/** Rows as printTable takes them, with a unit name in the headings ("per ticket"). */
export function callerTable(rows: readonly CallerRow[], unit: string): Record<string, string | number>[] {
  return rows.map((r) => ({
    caller: r.caller,
    [`requests/${unit}`]: r.requests.toFixed(2),
    [`refused/${unit}`]: r.refused.toFixed(2),
    [`WCU/${unit}`]: r.wcu.toFixed(2),
    [`RCU/${unit}`]: r.rcu.toFixed(2),
  }));
}
