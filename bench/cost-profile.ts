/**
 * Per-order cost profile (npm run bench:cost): what one order costs in AWS operations on each
 * path, measured on the local stack (in its own process; its SDK calls counted there) — state transitions and step Lambdas from the
 * execution histories, DynamoDB requests and units at the SDK, HTTP requests and WebSocket calls at
 * the clients. Each path is its own small drop (as many buyers as seats, one seat each, no contention):
 *   happy             pay once, approved
 *   one decline       first pay request declined (card 00000: three attempts), paid again (11111)
 *   declined attempt  card 22222: the first attempt declined, the retry inside the state approves
 *   expiry            hold, never pay: the hold (10 s) runs out
 * With `--json`, a last line `{"wcuPerOrder", "transitions", "writeRequestsPerOrder", …}` for the
 * happy path (issue #13: ≤ 10 WCU with ≤ 10 transitions).
 */

import { PRICES } from './simulator/cost';
import { type DropResult, runDrop } from './simulator/drop';
import { DEFAULTS, type DropOptions } from './simulator/options';
import { startStackFor } from './simulator/stack-process';
import { machineDescription, printTable } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ORDERS = 20;
const WRITES = /^(PutItem|UpdateItem|DeleteItem|Put|Update|Delete|TransactWriteItems|BatchWriteItem)$/;

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
      ['happy', { payCodes: ['11111'] }],
      ['one decline, paid again', { payCodes: ['00000', '11111'] }],
      ['declined attempt, retried', { payCodes: ['22222'] }],
      ['expiry (never paid)', { abandonRate: 1, holdSeconds: 10 }],
    ];
    const rows: Record<string, string | number>[] = [];
    let happy: Record<string, number> | undefined;
    for (const [path, extra] of paths) {
      const drop: DropResult = await runDrop({ ...base, ...extra }, target);
      const orders = drop.executions.count;
      const ops = drop.dynamoOperations ?? {};
      const writeRequests = Object.entries(ops)
        .filter(([name]) => WRITES.test(name))
        .reduce((n, [, op]) => n + op.calls, 0);
      const per = (v: number) => v / Math.max(1, orders);
      const u = drop.usage;
      if (path === 'happy') {
        happy = {
          orders,
          wcuPerOrder: round(per(u.dynamoWriteUnits.value)),
          writeRequestsPerOrder: round(per(writeRequests)),
          rcuPerOrder: round(per(u.dynamoReadUnits.value)),
          transitions: round(per(u.stateTransitions.value)),
        };
      }
      rows.push({
        path,
        orders,
        tickets: drop.ticketsSold,
        transitions: per(u.stateTransitions.value),
        'step Lambdas': per(u.stepInvocations.value),
        'HTTP Lambdas': per(u.httpRequests.value),
        'stream Lambdas': per(u.streamBatches.value),
        'WS route Lambdas': per(u.webSocketRouteCalls.value),
        'DDB write reqs': per(writeRequests),
        'DDB WCU': per(u.dynamoWriteUnits.value),
        'DDB RCU': per(u.dynamoReadUnits.value),
        '$ per 1k orders': (per(drop.cost.totalDollars) * 1000).toFixed(3),
        verdict: drop.verdict.ok ? 'OK' : 'FAILED',
      });
    }
    console.log(
      `\nCost per order by path (one seat each, ${ORDERS} orders per path, no contention), local stack in its own process`,
    );
    console.log(`${new Date().toISOString().slice(0, 10)} · ${machineDescription()} · prices: ${PRICES.asOf}\n`);
    printTable(rows);
    if (process.argv.includes('--json')) console.log(JSON.stringify({ path: 'happy', ...happy }));
  } finally {
    await stop();
  }
}

const round = (v: number) => Math.round(v * 10) / 10;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
