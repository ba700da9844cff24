import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionPoster } from '../../lambdas/core/live/connection-poster';
import { connectionRepository } from '../../lambdas/core/live/connections';
import { eventViewers } from '../../lambdas/core/live/event-viewers';
import { liveShards, shardOf } from '../../lambdas/core/live/live-shards';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import { parseConfig } from '../../lambdas/core/platform/config';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { createHandler } from '../../lambdas/realtime/broadcaster';
import { useTestTables } from '../support/local-dynamo';

/**
 * Issue #13: what the broadcaster costs in DynamoDB requests per pushed order change, counted at
 * the SDK on DynamoDB Local with the real handler. A stream batch of order changes of many buyers
 * finds all their sockets with one batch read by key (the buyers' `#buyer#` items), not one
 * `connections.byBuyer` query per change — and still reaches every socket of every buyer. An
 * event's viewers (a waiting-room change) are read from its seat-map shards by key, with no index.
 */
describe('broadcaster requests per stream batch of order changes', () => {
  let store: Store;
  let requests: string[];
  const posted: { connectionId: string; orderId: string }[] = [];
  const poster: ConnectionPoster = {
    async post(connectionId, data) {
      if (connectionId.startsWith('gone-')) return 'gone';
      posted.push({ connectionId, orderId: (JSON.parse(data) as { order: { orderId: string } }).order.orderId });
      return 'sent';
    },
  };

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    const plain = createStore(client, tables);
    requests = [];
    const tableIds = new Map(Object.entries(tables).map(([id, name]) => [name, id]));
    const doc = new Proxy(plain.doc, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: { constructor: { name: string }; input: { TableName?: string; RequestItems?: object } }) => {
          const table =
            tableIds.get(command.input.TableName ?? Object.keys(command.input.RequestItems ?? {})[0] ?? '') ?? '?';
          requests.push(`${command.constructor.name.replace(/Command$/, '')} ${table}`);
          return target.send(command as Parameters<DynamoDBDocumentClient['send']>[0]);
        };
      },
    });
    store = { ...plain, doc };
  });

  it('one batch read for every buyer of the batch; every socket of each buyer gets its order', async () => {
    const run = `${Date.now().toString(36)}`;
    const connections = connectionRepository(store);
    const buyers = Array.from({ length: 20 }, (_, n) => `buyer-${run}-${n}`);
    // Each buyer has two windows; the first buyer's second socket is gone.
    for (const [n, buyerId] of buyers.entries()) {
      // The gone socket joined long ago: a 410 within `CONNECTING_GRACE_MS` of joining keeps it.
      await connections.joinBuyer(buyerId, `${n === 0 ? 'gone' : 'win'}-a-${buyerId}`, Date.now() - 60_000);
      await connections.joinBuyer(buyerId, `win-b-${buyerId}`);
    }
    // Two changes of each buyer's order in the batch (coalesced), e.g. PAYING then the charge recorded.
    const records = buyers.flatMap((buyerId, n) => [
      orderRecord(`ord-${run}-${n}`, buyerId, 2, 'PAYING'),
      orderRecord(`ord-${run}-${n}`, buyerId, 3, 'PAYING'),
    ]);
    requests.length = 0;
    const result = await createHandler({ store, poster, config })({ Records: records });

    expect(result.batchItemFailures).toEqual([]);
    const onConnections = requests.filter((r) => r.endsWith(' connections'));
    // The one read, and the gone socket leaving its buyer's set: nothing per order change, and no
    // delete of a connection item a buyer's socket has not got (it would bill a write unit anyway).
    expect(onConnections.filter((r) => r.startsWith('Query'))).toEqual([]);
    expect(onConnections.filter((r) => r.startsWith('BatchGet'))).toEqual(['BatchGet connections']);
    expect(onConnections).toEqual(['BatchGet connections', 'Update connections']);
    expect(posted).toHaveLength(2 * buyers.length - 1);
    for (const [n, buyerId] of buyers.entries())
      expect(posted.filter((p) => p.connectionId.endsWith(`-${buyerId}`)).map((p) => p.orderId)).toEqual(
        n === 0 ? [`ord-${run}-${n}`] : [`ord-${run}-${n}`, `ord-${run}-${n}`],
      );
    const after = await connections.ofBuyers([buyers[0]!]);
    expect(after.get(buyers[0]!)?.map((s) => s.connectionId)).toEqual([`win-b-${buyers[0]}`]);
  });

  it("one batch read of the event's shards finds every viewer of a waiting-room change (no index query)", async () => {
    const eventId = `ev-queue-${Date.now().toString(36)}`;
    const viewers = Array.from({ length: 12 }, (_, n) => `viewer-${n}-${eventId}`);
    const shards = liveShards(store);
    for (const connectionId of viewers)
      await shards.join(eventId, shardOf(connectionId, config.liveMap.shards), connectionId);
    posted.length = 0;
    requests.length = 0;
    const room = { eventId, servingPosition: 5, active: {}, admittedCount: 5, version: 3 };
    const record: DynamoDBRecord = {
      eventName: 'MODIFY',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: marshall({ eventId }) as Record<string, AttributeValue>,
        NewImage: marshall(room) as Record<string, AttributeValue>,
        SequenceNumber: String(sequence++),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    const quiet: ConnectionPoster = {
      async post(connectionId) {
        posted.push({ connectionId, orderId: '' });
        return 'sent';
      },
    };

    const result = await createHandler({ store, poster: quiet, config })({ Records: [record] });

    expect(result.batchItemFailures).toEqual([]);
    expect(requests.filter((r) => r.endsWith(' connections'))).toEqual(['BatchGet connections']);
    expect(posted.map((p) => p.connectionId).sort()).toEqual([...viewers].sort());

    // A viewer found gone by a waiting-room message leaves its shard (and its item goes), so it no
    // longer counts against the event's socket budget — not only at the event's next map tick.
    const goneViewer = viewers[0]!;
    const oneGone: ConnectionPoster = {
      async post(connectionId) {
        return connectionId === goneViewer ? 'gone' : 'sent';
      },
    };
    const next = { ...record, dynamodb: { ...record.dynamodb, SequenceNumber: String(sequence++) } };
    expect((await createHandler({ store, poster: oneGone, config })({ Records: [next] })).batchItemFailures).toEqual(
      [],
    );
    expect(await eventViewers(store, eventId, config.liveMap.shards)).not.toContain(goneViewer);
    expect((await eventViewers(store, eventId, config.liveMap.shards)).length).toBe(viewers.length - 1);
  });
});

const config = parseConfig({ LIVE_MAP_SHARDS: '4' });

let sequence = 1_000;

function orderRecord(orderId: string, buyerId: string, version: number, status: OrderRecord['status']): DynamoDBRecord {
  const item: OrderRecord = {
    orderId,
    eventId: 'ev-broadcast-requests',
    buyerId,
    status,
    seatIds: ['A1'],
    holdExpiresAt: Date.now() + 60_000,
    amountCents: 4500,
    currency: 'EUR',
    payment: { status: version > 2 ? 'trying' : 'idle', round: 1, attempt: 0 },
    createdAt: Date.now(),
    updatedAt: Date.now(),
    version,
  };
  return {
    eventName: 'MODIFY',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: marshall({ orderId }) as Record<string, AttributeValue>,
      NewImage: marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>,
      SequenceNumber: String(sequence++),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
