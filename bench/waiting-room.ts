/**
 * Waiting-room throughput on DynamoDB Local (npm run bench:queue).
 *
 *   joins       5,000 buyers join at concurrency 50: one position counter, then four
 *   admissions  1,000 queued buyers, 50 slots: workers take each admitted buyer, start the order
 *               (token checked, slot bound) and end it at once, so slots turn over as fast as
 *               the queue item's optimistic writes allow
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { prefixedTableNames } from '../contract/tables';
import { createEvent } from '../lambdas/core/events/create-event';
import { createStore, type Store } from '../lambdas/core/platform/store';
import { releaseSlot } from '../lambdas/core/waiting-room/admission';
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
    waitingRoom: { enabled: true, ...room },
  });
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

    for (const shards of [1, 4]) {
      const event = await waitingRoomEvent(store, `joins-${shards}`, {
        maxActivePurchasers: 10,
        positionShards: shards,
      });
      const timed = await runPool(5000, CONCURRENCY, (i) => joinWaitingRoom(store, event, `j${i}`, KEY));
      const ok = timed.results.filter((r) => r.status === 'fulfilled').length;
      rows.push({
        workload: `join, ${shards} position counter${shards > 1 ? 's' : ''}`,
        operations: 5000,
        ok,
        seconds: timed.seconds,
        'per second': ok / timed.seconds,
        'p50 ms': percentile(timed.latenciesMs, 50),
        'p99 ms': percentile(timed.latenciesMs, 99),
      });
    }

    // Slot turnover: 1,000 queued buyers, 50 slots; 50 workers each take an admitted buyer, start
    // their order (token checked, slot bound) and end it at once (slot freed → next admitted).
    const served = await waitingRoomEvent(store, 'admissions', { maxActivePurchasers: 50 });
    const buyers = Array.from({ length: 1000 }, (_, i) => `a${String(i).padStart(4, '0')}`);
    for (let i = 0; i < buyers.length; i += CONCURRENCY) {
      await Promise.all(buyers.slice(i, i + CONCURRENCY).map((id) => joinWaitingRoom(store, served, id, KEY)));
    }
    const taken = new Set<string>();
    const deadline = Date.now() + 300_000;
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
        await releaseSlot(store, served.eventId, served.waitingRoom!, { buyerId, orderId });
        return;
      }
    });
    const ok = timed.results.filter((r) => r.status === 'fulfilled').length;
    const failure = timed.results.find((r) => r.status === 'rejected');
    if (failure) console.error('first failure:', failure.reason);
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
  } finally {
    await dynamo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
