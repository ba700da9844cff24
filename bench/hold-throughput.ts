/**
 * Conditional hold throughput on DynamoDB Local (npm run bench:holds).
 *
 * Three workloads at concurrency 50, each on its own fresh event:
 *   single   one-seat holds on distinct seats: one conditional UpdateItem each
 *   pair     two-seat holds on distinct pairs: one TransactWriteItems each
 *   contended best-available buyers racing for fewer seats: read map + hold, retries on lost races
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { prefixedTableNames } from '../contract/tables';
import { createEvent } from '../lambdas/core/events/create-event';
import { createStore } from '../lambdas/core/platform/store';
import { holdForOrder } from '../lambdas/core/seats/order-holds';
import { seatIdsOf } from '../lambdas/core/seats/seat-ids';
import { holdSeats } from '../lambdas/core/seats/seat-locks';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { createTables, localDynamoClientConfig } from '../local/local-tables';
import { machineDescription, percentile, printTable, runPool, type Timed } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const CONCURRENCY = 50;

async function main() {
  const dynamo = await startDynamoDbLocal();
  try {
    const client = new DynamoDBClient(localDynamoClientConfig(dynamo.endpoint));
    const tables = prefixedTableNames('bench');
    await createTables(client, tables);
    const store = createStore(client, tables);
    const holdUntil = () => Date.now() + 600_000;
    const rows: Record<string, string | number>[] = [];
    const report = (workload: string, attempts: number, timed: Timed<unknown>) => {
      const held = timed.results.filter((r) => r.status === 'fulfilled').length;
      rows.push({
        workload,
        attempts,
        held,
        refused: attempts - held,
        seconds: timed.seconds,
        'holds/s': held / timed.seconds,
        'attempts/s': attempts / timed.seconds,
        'p50 ms': percentile(timed.latenciesMs, 50),
        'p99 ms': percentile(timed.latenciesMs, 99),
      });
    };

    // Warm the JVM so the first workload is not measuring JIT compilation.
    const warm = await createEvent(store, { eventId: 'warm', name: 'Warm', rows: 10, seatsPerRow: 50, priceCents: 1 });
    const warmSeats = seatIdsOf(10, 50);
    await runPool(500, CONCURRENCY, (i) =>
      holdSeats(store, {
        eventId: warm.eventId,
        orderId: `w${i}`,
        seatIds: [warmSeats[i]!],
        holdExpiresAt: holdUntil(),
      }),
    );

    const single = await createEvent(store, {
      eventId: 'single',
      name: 'Single',
      rows: 40,
      seatsPerRow: 100,
      priceCents: 1,
    });
    const singleSeats = seatIdsOf(40, 100);
    report(
      'single seat (UpdateItem)',
      4000,
      await runPool(4000, CONCURRENCY, (i) =>
        holdSeats(store, {
          eventId: single.eventId,
          orderId: `s${i}`,
          seatIds: [singleSeats[i]!],
          holdExpiresAt: holdUntil(),
        }),
      ),
    );

    const pair = await createEvent(store, { eventId: 'pair', name: 'Pair', rows: 40, seatsPerRow: 100, priceCents: 1 });
    const pairSeats = seatIdsOf(40, 100);
    report(
      'seat pair (TransactWriteItems)',
      2000,
      await runPool(2000, CONCURRENCY, (i) =>
        holdSeats(store, {
          eventId: pair.eventId,
          orderId: `p${i}`,
          seatIds: [pairSeats[2 * i]!, pairSeats[2 * i + 1]!],
          holdExpiresAt: holdUntil(),
        }),
      ),
    );

    const contended = await createEvent(store, {
      eventId: 'contended',
      name: 'Contended',
      rows: 20,
      seatsPerRow: 25,
      priceCents: 1,
      maxSeatsPerOrder: 1,
    });
    report(
      'best available, 2000 buyers / 500 seats',
      2000,
      await runPool(2000, CONCURRENCY, (i) => holdForOrder(store, contended, `c${i}`, { quantity: 1 })),
    );

    console.log(`\nConditional holds on DynamoDB Local, concurrency ${CONCURRENCY}`);
    console.log(`${new Date().toISOString().slice(0, 10)} · ${machineDescription()}\n`);
    printTable(rows);
  } finally {
    await dynamo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
