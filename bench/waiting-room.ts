/**
 * Waiting-room throughput on DynamoDB Local (npm run bench:queue; `--json`: one JSON summary
 * object as the last line: joinsPerSecond, admissionsPerSecond, admissionP99Ms, …).
 *
 *   joins       20,000 buyers join at concurrency 50; then the joins answered without their
 *               number yet ("taking your place") read their status again until numbered, as
 *               the page does. joinsPerSecond: joins / time until every one of them is numbered
 *               (latency: of the join request). Then every position
 *               is checked: 1…20,000, none twice, none missing; and the write requests per join
 *               (the buyer's own item, and the room item's batch records) are counted.
 *               Then 5,000 buyers join twice each at once: still 1…5,000, none twice.
 *   admissions  1,000 queued buyers, 50 slots, the admission path as a buyer sees it: each buyer
 *               waits for the line to reach its position (the room's push: the servingPosition
 *               its stream carries to the page), reads its own status (the admission token),
 *               starts its order (token checked, admission bound on its own place) and the order
 *               ends at once; the ended orders go to one consumer that frees them in batches and
 *               admits the next buyers, as the orders stream does (one room write per batch:
 *               releaseSlots). Nobody polls the room item. Latency: from the push that reached
 *               the buyer to its order started.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { prefixedTableNames } from '../contract/tables';
import { createEvent } from '../lambdas/core/events/create-event';
import { orderRepository } from '../lambdas/core/orders/order-store';
import { createStore, type Store } from '../lambdas/core/platform/store';
import { releaseSlots } from '../lambdas/core/waiting-room/admission';
import type {
  WaitingRoomDeps,
  WaitingRoomRepository,
  WaitingRoomState,
} from '../lambdas/core/waiting-room/waiting-room-repository';
import { admitOrder, buyerWaitingRoomStatus, joinWaitingRoom } from '../lambdas/core/waiting-room/waiting-room-service';
import { waitingRoomRepository } from '../lambdas/core/waiting-room/waiting-room-store';
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

/** `--joins N` runs fewer (a quick look; the figure is the default 20,000). */
const JOINS = Number(process.argv[process.argv.indexOf('--joins') + 1]) || 20_000;
/** Numbers read after a "taking your place" answer, for the progress line every 1,000. */
let numberedJoins = 0;
/** Records per orders-stream batch (the Lambda event source's default batch size is 100). */
const STREAM_BATCH = 100;
const round = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
let duplicateCheck = '';
/** Joins answered without their number yet (their pages asked again until numbered). */
let answeredUnnumbered = 0;

/** The repository's calls that only read: every other call is a write request. */
const READS = new Set([
  'readState',
  'readPlace',
  'readArrival',
  'arrivals',
  'confirmArrivals',
  'placesAfter',
  'readPreQueue',
  'preQueued',
  'countWaiting',
]);

/** The waiting room's deps on `store`, counting write requests by call (refused conditional ones too). */
function countingDeps(store: Store): { deps: WaitingRoomDeps; writes: Map<string, number> } {
  const writes = new Map<string, number>();
  const room = waitingRoomRepository(store);
  const counted = Object.fromEntries(
    Object.entries(room).map(([name, method]) => [
      name,
      (...args: unknown[]) => {
        if (!READS.has(name)) writes.set(name, (writes.get(name) ?? 0) + 1);
        return (method as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    ]),
  ) as unknown as WaitingRoomRepository;
  return { deps: { room: counted, orders: orderRepository(store), now: store.now }, writes };
}

type RoomEvent = Awaited<ReturnType<typeof waitingRoomEvent>>;

/** A join as a page makes it: join, then (answered without its number yet) read again until numbered. */
async function joinUntilNumbered(source: WaitingRoomDeps | Store, event: RoomEvent, buyerId: string) {
  const status = await joinWaitingRoom(source, event, buyerId, KEY);
  return status.position === undefined ? readUntilNumbered(source, event, buyerId) : status;
}

/** The page of a join answered "taking your place": its status read again (every 200 ms here) until numbered. */
async function readUntilNumbered(source: WaitingRoomDeps | Store, event: RoomEvent, buyerId: string) {
  for (let reads = 0; ; reads++) {
    if (reads === 100) throw new Error(`${buyerId} was never numbered`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const status = await buyerWaitingRoomStatus(source, event, buyerId, KEY);
    if (status.position !== undefined) {
      if (++numberedJoins % 1000 === 0) progress(`${numberedJoins} late numbers read`);
      return status;
    }
  }
}

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
    const counted = countingDeps(store);
    {
      const event = await waitingRoomEvent(store, 'joins', { maxActivePurchasers: 10 });
      progress(`${JOINS} joins`);
      // The joins as 50 clients send them (each answered numbered or "taking your place"), then
      // the pages of those answered without a number ask again until numbered.
      const started = performance.now();
      const sent = await runPool(JOINS, CONCURRENCY, (i) => joinWaitingRoom(counted.deps, event, `j${i}`, KEY));
      const unnumbered = sent.results.flatMap((r, i) =>
        r.status === 'fulfilled' && r.value.position === undefined ? [i] : [],
      );
      await runPool(unnumbered.length, CONCURRENCY, (k) => readUntilNumbered(counted.deps, event, `j${unnumbered[k]}`));
      const timed = { ...sent, seconds: (performance.now() - started) / 1000 };
      answeredUnnumbered = unnumbered.length;
      const ok = timed.results.filter((r) => r.status === 'fulfilled').length;
      joinsPerSecond = ok / timed.seconds;
      positionCheck = await checkPositions(store, event.eventId, JOINS);
      rows.push({
        workload: 'join (until every join is numbered)',
        operations: JOINS,
        ok,
        seconds: timed.seconds,
        'per second': ok / timed.seconds,
        'p50 ms': percentile(timed.latenciesMs, 50),
        'p99 ms': percentile(timed.latenciesMs, 99),
      });
    }
    {
      const twice = 5000;
      const event = await waitingRoomEvent(store, 'joins-twice', { maxActivePurchasers: 10 });
      progress(`${twice} buyers join twice at once`);
      const timed = await runPool(twice, CONCURRENCY, async (i) => {
        const [a, b] = await Promise.all([1, 2].map(() => joinUntilNumbered(store, event, `t${i}`)));
        if (a!.position !== b!.position) throw new Error(`t${i} got two positions`);
      });
      const ok = timed.results.filter((r) => r.status === 'fulfilled').length;
      duplicateCheck = await checkPositions(store, event.eventId, twice);
      rows.push({
        workload: 'join twice at once (same buyer)',
        operations: twice,
        ok,
        seconds: timed.seconds,
        'per second': ok / timed.seconds,
        'p50 ms': percentile(timed.latenciesMs, 50),
        'p99 ms': percentile(timed.latenciesMs, 99),
      });
    }
    const roomWrites = counted.writes.get('writeState') ?? 0;
    const placeWrites = [...counted.writes.entries()]
      .filter(([name]) => name !== 'writeState')
      .reduce((sum, [, count]) => sum + count, 0);
    const writesPerJoin = {
      buyersItem: round2(placeWrites / JOINS),
      roomItem: round2(roomWrites / JOINS),
      byCall: Object.fromEntries(counted.writes),
    };

    // Slot turnover: 1,000 queued buyers, 50 slots; every buyer waits for its turn (pushed), takes
    // its token, starts its order; the order ends at once (slot freed by the stream → next admitted).
    progress('admissions: 1,000 buyers join, then 50 slots turn over');
    const served = await waitingRoomEvent(store, 'admissions', { maxActivePurchasers: 50 });
    const buyers = Array.from({ length: 1000 }, (_, i) => `a${String(i).padStart(4, '0')}`);
    const positions = new Map<string, number>();
    for (let i = 0; i < buyers.length; i += CONCURRENCY) {
      const group = buyers.slice(i, i + CONCURRENCY);
      const joined = await Promise.all(group.map((id) => joinUntilNumbered(store, served, id)));
      for (const [k, id] of group.entries()) positions.set(id, joined[k]!.position!);
    }
    const line = new ServingLine();
    const stream = new EndedOrders();
    // The orders stream: one consumer frees a batch of ended orders and admits the next buyers in
    // one room write; the room's new servingPosition reaches the waiting pages (WebSocket push).
    const consumer = (async () => {
      for (let batch = await stream.take(STREAM_BATCH); batch.length > 0; batch = await stream.take(STREAM_BATCH)) {
        const room = await releaseSlots(store, served.eventId, served.waitingRoom!, batch, 10);
        line.push(room);
      }
    })();
    line.push(await readRoom(store, served.eventId)); // the first 50 were admitted as they joined
    const deadline = Date.now() + 300_000;
    const turnStarted = new Map<string, number>();
    const timed = await runPool(buyers.length, buyers.length, async (i) => {
      const buyerId = buyers[i]!;
      await line.reaches(positions.get(buyerId)!, deadline);
      const t0 = performance.now();
      const { admissionToken, state } = await buyerWaitingRoomStatus(store, served, buyerId, KEY);
      if (state !== 'ADMITTED') throw new Error(`${buyerId} reached by the line but ${state}`);
      const orderId = `ord-${buyerId}`;
      await admitOrder(store, served, { buyerId, orderId, admissionToken }, KEY);
      turnStarted.set(buyerId, performance.now() - t0);
      stream.add({ buyerId, orderId, seatsFreed: true });
    });
    stream.close();
    await consumer;
    const ok = timed.results.filter((r) => r.status === 'fulfilled').length;
    const failure = timed.results.find((r) => r.status === 'rejected');
    if (failure) console.error('first failure:', failure.reason);
    const admissionsPerSecond = ok / timed.seconds;
    const admissionLatencies = [...turnStarted.values()];
    const admissionP99Ms = percentile(admissionLatencies, 99);
    rows.push({
      workload: 'turn reached → token → order started (50 slots)',
      operations: buyers.length,
      ok,
      seconds: timed.seconds,
      'per second': ok / timed.seconds,
      'p50 ms': percentile(admissionLatencies, 50),
      'p99 ms': admissionP99Ms,
    });

    console.log(`\nWaiting room on DynamoDB Local (concurrency ${CONCURRENCY})`);
    console.log(`${new Date().toISOString().slice(0, 10)} · ${machineDescription()}\n`);
    printTable(rows);
    console.log(`\npositions of the ${JOINS} joins: ${positionCheck}`);
    console.log(`positions of the 5000 buyers who joined twice: ${duplicateCheck}`);
    console.log(`joins answered before their number was written ("taking your place"): ${answeredUnnumbered}`);
    console.log(
      `write requests per join: ${writesPerJoin.buyersItem} on the buyer's item, ${writesPerJoin.roomItem} on the room item (${JSON.stringify(writesPerJoin.byCall)})`,
    );
    if (process.argv.includes('--json'))
      console.log(
        JSON.stringify({
          joinsPerSecond: round(joinsPerSecond),
          admissionsPerSecond: round(admissionsPerSecond),
          admissionP99Ms: round(admissionP99Ms),
          joins: JOINS,
          positions: positionCheck,
          positionsJoinedTwice: duplicateCheck,
          writesPerJoin,
          answeredUnnumbered,
          concurrency: CONCURRENCY,
        }),
      );
  } finally {
    await dynamo.stop();
  }
}

async function readRoom(store: Store, eventId: string): Promise<WaitingRoomState> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tables.waitingRooms, Key: { eventId }, ConsistentRead: true }),
  );
  return Item as WaitingRoomState;
}

/**
 * How far the line is served, as the waiting pages learn it from the room's stream (the live
 * push): a buyer waits here until the line reaches its position.
 */
class ServingLine {
  private served = 0;
  private readonly waiters: { position: number; resolve: () => void }[] = [];

  push(room: WaitingRoomState): void {
    this.served = Math.max(this.served, room.servingPosition);
    for (let i = this.waiters.length - 1; i >= 0; i--)
      if (this.waiters[i]!.position <= this.served) this.waiters.splice(i, 1)[0]!.resolve();
  }

  reaches(position: number, deadline: number): Promise<void> {
    if (position <= this.served) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the line stopped moving')), deadline - Date.now());
      this.waiters.push({
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/** The orders stream as the consumer sees it: ended orders, taken a batch at a time. */
class EndedOrders {
  private readonly pending: { buyerId: string; orderId: string; seatsFreed: boolean }[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  add(order: { buyerId: string; orderId: string; seatsFreed: boolean }): void {
    this.pending.push(order);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** The next batch (up to `max`); waits while none is pending; empty once closed and drained. */
  async take(max: number): Promise<{ buyerId: string; orderId: string; seatsFreed: boolean }[]> {
    while (this.pending.length === 0 && !this.closed) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    return this.pending.splice(0, max);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
