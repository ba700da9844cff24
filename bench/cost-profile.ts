/**
 * Per-order cost profile (npm run bench:cost): what one order costs in AWS operations on each
 * path, measured on the local stack (in its own process; its SDK calls counted there) — state transitions and step Lambdas from the
 * execution histories, DynamoDB requests and units at the SDK, HTTP requests and WebSocket calls at
 * the clients. Each path is its own small drop (as many buyers as seats, one seat each):
 *   happy             pay once, approved; each buyer holds its own seat, chosen on the map (no race)
 *   happy, contended  the same, but every buyer asks for the best available seat at once: the
 *                     refused holds of their races are counted too
 *   one decline       first pay request declined (card 00000: three attempts), paid again (11111)
 *   declined attempt  card 22222: the first attempt declined, the retry inside the state approves
 *   expiry            hold, never pay: the hold (10 s) runs out
 * DynamoDB writes are split: TicketDrop's own tables, and the simulated card processor's ledger
 * (`payments`: on AWS the processor is a third party — Stripe or similar — whose writes are its
 * own), with the total beside them.
 * With `--json`, a last line `{"wcuPerOrder", "processorWcuPerOrder", "totalWcuPerOrder",
 * "transitions", …}` for the happy path (issue #13: ≤ 10 WCU with ≤ 10 transitions).
 */

import { PRICES } from './simulator/cost';
import { type DropResult, runDrop } from './simulator/drop';
import { DEFAULTS, type DropOptions } from './simulator/options';
import { type CallerRow, callerTable, requestsByCallerKey } from './simulator/requests-by-caller';
import { startStackFor } from './simulator/stack-process';
import { ownAndProcessorWrites, type TableWrites, writesByTable } from './simulator/writes-by-table';
import { machineDescription, printTable } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ORDERS = 20;

async function main() {
  const base: DropOptions = {
    ...DEFAULTS,
    buyers: ORDERS,
    seats: ORDERS,
    paymentLatencyMs: 0,
    notificationLatencyMs: 0,
    holdSeconds: 60,
    timeoutSeconds: 300,
  };
  const { target, stop } = await startStackFor(base);
  try {
    await runDrop({ ...base, payCodes: ['11111'] }, target); // warm-up
    const paths: [string, Partial<DropOptions>][] = [
      ['happy', { payCodes: ['11111'], mode: 'own' }],
      ['happy, contended (best available)', { payCodes: ['11111'], mode: 'best' }],
      ['one decline, paid again', { payCodes: ['00000', '11111'], mode: 'own' }],
      ['declined attempt, retried', { payCodes: ['22222'], mode: 'own' }],
      ['expiry (never paid)', { abandonRate: 1, holdSeconds: 10, mode: 'own' }],
    ];
    const rows: Record<string, string | number>[] = [];
    const summaries = new Map<string, Record<string, unknown>>();
    let happyCallers: CallerRow[] = [];
    for (const [path, extra] of paths) {
      const drop: DropResult = await runDrop({ ...base, ...extra }, target);
      const orders = drop.executions.count;
      const byTable = writesByTable(drop.dynamoByCaller ?? {}, orders);
      const { own, processor } = ownAndProcessorWrites(byTable);
      const per = (v: number) => v / Math.max(1, orders);
      const u = drop.usage;
      if (path === 'happy') happyCallers = requestsByCallerKey(drop.dynamoByCaller ?? {}, orders);
      summaries.set(path, {
        orders,
        wcuPerOrder: round(own.wcu),
        processorWcuPerOrder: round(processor.wcu),
        totalWcuPerOrder: round(per(u.dynamoWriteUnits.value)),
        writeRequestsPerOrder: round(own.requests),
        processorWriteRequestsPerOrder: round(processor.requests),
        rcuPerOrder: round(per(u.dynamoReadUnits.value)),
        transitions: round(per(u.stateTransitions.value)),
        wcuByTable: Object.fromEntries(Object.entries(byTable).map(([table, w]) => [table, w.wcu])),
      });
      rows.push({
        path,
        orders,
        tickets: drop.ticketsSold,
        transitions: per(u.stateTransitions.value),
        'step Lambdas': per(u.stepInvocations.value),
        'HTTP Lambdas': per(u.httpRequests.value),
        'stream Lambdas': per(u.streamBatches.value),
        'WS route Lambdas': per(u.webSocketRouteCalls.value),
        'DDB write reqs': own.requests,
        'DDB WCU': own.wcu,
        'processor write reqs': processor.requests,
        'processor WCU': processor.wcu,
        'WCU total': per(u.dynamoWriteUnits.value),
        'DDB RCU': per(u.dynamoReadUnits.value),
        '$ per 1k orders': (per(drop.cost.totalDollars) * 1000).toFixed(3),
        verdict: drop.verdict.ok ? 'OK' : 'FAILED',
      });
      byTableRows.push(tableRow(path, byTable));
    }
    console.log(`\nCost per order by path (one seat each, ${ORDERS} orders per path), local stack in its own process`);
    console.log(`${new Date().toISOString().slice(0, 10)} · ${machineDescription()} · prices: ${PRICES.asOf}\n`);
    console.log(
      "DDB = TicketDrop's own tables; processor = the simulated card processor's ledger (a third party's writes on AWS); WCU total = both.\n",
    );
    printTable(rows);
    console.log('\nWCU per order by table\n');
    printTable(byTableRows);
    console.log('\nHappy path: DynamoDB requests per order by handler › domain module · operation table\n');
    printTable(callerTable(happyCallers, 'order'));
    if (process.argv.includes('--json'))
      console.log(
        JSON.stringify({
          path: 'happy',
          ...summaries.get('happy'),
          contended: summaries.get('happy, contended (best available)'),
          perOrderByCaller: happyCallers,
        }),
      );
  } finally {
    await stop();
  }
}

const byTableRows: Record<string, string | number>[] = [];

function tableRow(path: string, byTable: Record<string, TableWrites>): Record<string, string | number> {
  const row: Record<string, string | number> = { path };
  for (const table of TABLES) row[table] = (byTable[table]?.wcu ?? 0).toFixed(2);
  const others = Object.entries(byTable).filter(([table]) => !TABLES.includes(table));
  row.other = others.map(([table, w]) => `${table} ${w.wcu}`).join(', ') || '-';
  return row;
}

const TABLES = ['orders', 'seats', 'tickets', 'buyers', 'connections', 'limits', 'payments'];

/** Two decimals: the per-order figures are sums of twentieths (20 orders), and one decimal rounded 9.95 up to 10. */
const round = (v: number) => Math.round(v * 100) / 100;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
