/**
 * Waiting-room throughput on DynamoDB Local (npm run bench:queue; `--json`: one JSON summary
 * object as the last line: joinsPerSecond, admissionsPerSecond, admissionP99Ms, …).
 *
 *   joins       20,000 buyers join at concurrency 50 on one position counter, then every
 *               position is checked: 1…20,000, none twice, none missing; 5,000 on four counters
 *   admissions  1,000 queued buyers, 50 slots: workers take each admitted buyer, start the order
 *               (token checked, slot bound) and end it at once; the ended orders go to one
 *               consumer that frees them in batches, as the orders stream does (one room write
 *               per batch: releaseSlots)
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { prefixedTableNames } from '../contract/tables';
import { createEvent } from '../lambdas/core/events/create-event';
import { createStore, type Store } from '../lambdas/core/platform/store';
import { releaseSlots } from '../lambdas/core/waiting-room/admission';
import { signAdmission } from '../lambdas/core/waiting-room/admission-token';
import { readWaitingRoomState } from '../lambdas/core/waiting-room/room-state';
import { admitOrder, joinWaitingRoom } from '../lambdas/core/waiting-room/waiting-room-service';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { createTables, localDynamoClientConfig } from '../local/local-tables';
import { machineDescription, percentile, printTable, runPool } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const CONCURRENCY = 50;
const KEY = 'bench-signing-key-0123456789abcdef0123456789';

async function waitingRoomEvent(store: Store, eventId: string, room: Record<string, number>) {
  return createEvent(store, {
    eventId,
    name: eventId,
    rows: 1,
    seatsPerRow: 10,
    priceCents: 1,
    // The benchmark's buyers never poll (no check-ins): an hour's absence keeps them present, so
    // the line is not skipped past them as absent (issue #12 item 4) while they wait their turn.
    waitingRoom: { enabled: true, abandonAfterSeconds: 3600, ...room },
  });
}

/** Progress on stderr, so a long run on a busy machine shows where it is (stdout stays the report). */
const progress = (step: string) => console.error(`[bench:queue ${new Date().toISOString().slice(11, 19)}] ${step}`);

const JOINS = 20_000;
/** Records per orders-stream batch (the Lambda event source's default batch size is 100). */
const STREAM_BATCH = 100;
const round = (n: number) => Math.round(n * 10) / 10;

/** Every position 1…joins held exactly once (the byPosition index read to the end). */
async function checkPositions(store: Store, eventId: string, joins: number): Promise<string> {
  const positions: number[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tables.buyers,
        IndexName: 'byPosition',
        KeyConditionExpression: 'eventId = :eventId',
        ExpressionAttributeValues: { ':eventId': eventId },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) positions.push(item.position as number);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const distinct = new Set(positions);
  const duplicates = positions.length - distinct.size;
  let missing = 0;
  for (let p = 1; p <= joins; p++) if (!distinct.has(p)) missing++;
  return `${positions.length} placed, ${duplicates} duplicate, ${missing} missing of 1…${joins}`;
}

async function main() {
  const dynamo = await startDynamoDbLocal();
  try {
    const client = new DynamoDBClient(localDynamoClientConfig(dynamo.endpoint));
    const tables = prefixedTableNames('bench');
    await createTables(client, tables);
    const store = createStore(client, tables);
    const rows: Record<string, string | number>[] = [];

    const warm = await waitingRoomEvent(store, 'warm', { maxActivePurchasers: 10 });
    await runPool(500, CONCURRENCY, (i) => joinWaitingRoom(store, warm, `w${i}`, KEY));

    let joinsPerSecond = 0;
    let positionCheck = '';
    for (const [shards, joins] of [
      [1, JOINS],
      [4, 5000],
    ] as const) {
      const event = await waitingRoomEvent(store, `joins-${shards}`, {
        maxActivePurchasers: 10,
        positionShards: shards,
      });
      progress(`${joins} joins, ${shards} position counter(s)`);
      const timed = await runPool(joins, CONCURRENCY, (i) => joinWaitingRoom(store, event, `j${i}`, KEY));
      const ok = timed.results.filter((r) => r.status === 'fulfilled').length;
      if (shards === 1) {
        joinsPerSecond = ok / timed.seconds;
        positionCheck = await checkPositions(store, event.eventId, joins);
      }
      rows.push({
        workload: `join, ${shards} position counter${shards > 1 ? 's' : ''}`,
        operations: joins,
        ok,
        seconds: timed.seconds,
        'per second': ok / timed.seconds,
        'p50 ms': percentile(timed.latenciesMs, 50),
        'p99 ms': percentile(timed.latenciesMs, 99),
      });
    }

    // Slot turnover: 1,000 queued buyers, 50 slots; 50 workers each take an admitted buyer, start
    // their order (token checked, slot bound) and end it at once (slot freed → next admitted).
    progress('admissions: 1,000 buyers join, then 50 slots turn over');
    const served = await waitingRoomEvent(store, 'admissions', { maxActivePurchasers: 50 });
    const buyers = Array.from({ length: 1000 }, (_, i) => `a${String(i).padStart(4, '0')}`);
    for (let i = 0; i < buyers.length; i += CONCURRENCY) {
      await Promise.all(buyers.slice(i, i + CONCURRENCY).map((id) => joinWaitingRoom(store, served, id, KEY)));
    }
    const taken = new Set<string>();
    const deadline = Date.now() + 300_000;
    // The orders stream: ended orders queue up; one consumer frees them a batch at a time.
    const ended: { buyerId: string; orderId: string; seatsFreed: boolean }[] = [];
    let consuming = true;
    const consumer = (async () => {
      while (consuming || ended.length > 0) {
        const batch = ended.splice(0, STREAM_BATCH);
        if (batch.length > 0) await releaseSlots(store, served.eventId, served.waitingRoom!, batch, 10);
        else await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const timed = await runPool(buyers.length, CONCURRENCY, async () => {
      for (;;) {
        if (Date.now() > deadline) throw new Error('the queue stopped turning over');
        const state = await readWaitingRoomState(store, served.eventId);
        const next = Object.entries(state.active).find(
          ([buyerId, slot]) => slot.orderId === undefined && !taken.has(buyerId),
        );
        if (!next) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        const [buyerId, slot] = next;
        taken.add(buyerId);
        const orderId = `ord-${buyerId}`;
        const admissionToken = await signAdmission(KEY, {
          buyerId,
          eventId: served.eventId,
          position: slot.position,
          expiresAt: slot.until,
        });
        await admitOrder(store, served, { buyerId, orderId, admissionToken }, KEY);
        ended.push({ buyerId, orderId, seatsFreed: true });
        return;
      }
    });
    consuming = false;
    await consumer;
    const ok = timed.results.filter((r) => r.status === 'fulfilled').length;
    const failure = timed.results.find((r) => r.status === 'rejected');
    if (failure) console.error('first failure:', failure.reason);
    const admissionsPerSecond = ok / timed.seconds;
    const admissionP99Ms = percentile(timed.latenciesMs, 99);
    rows.push({
      workload: 'admit → order → slot freed (50 slots)',
      operations: buyers.length,
      ok,
      seconds: timed.seconds,
      'per second': ok / timed.seconds,
      'p50 ms': percentile(timed.latenciesMs, 50),
      'p99 ms': percentile(timed.latenciesMs, 99),
    });

    console.log(`\nWaiting room on DynamoDB Local (concurrency ${CONCURRENCY})`);
    console.log(`${new Date().toISOString().slice(0, 10)} · ${machineDescription()}\n`);
    printTable(rows);
    console.log(`\npositions of the ${JOINS} joins: ${positionCheck}`);
    if (process.argv.includes('--json'))
      console.log(
        JSON.stringify({
          joinsPerSecond: round(joinsPerSecond),
          admissionsPerSecond: round(admissionsPerSecond),
          admissionP99Ms: round(admissionP99Ms),
          joins: JOINS,
          positions: positionCheck,
          concurrency: CONCURRENCY,
        }),
      );
  } finally {
    await dynamo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
