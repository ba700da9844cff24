import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSession } from '../../lambdas/core/access/buyer-sessions';
import { createOperatorSession } from '../../lambdas/core/access/staff-credentials';
import type { ConnectionPoster } from '../../lambdas/core/live/connection-poster';
import { connectionRepository, getConnection } from '../../lambdas/core/live/connections';
import { liveShards } from '../../lambdas/core/live/live-shards';
import { openOrderRepository } from '../../lambdas/core/orders/open-order-store';
import { parseConfig } from '../../lambdas/core/platform/config';
import { createSecrets } from '../../lambdas/core/platform/secrets';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { createHandler as connectHandler } from '../../lambdas/realtime/connect';
import { createHandler as disconnectHandler } from '../../lambdas/realtime/disconnect';
import { createHandler as shardWorker } from '../../lambdas/realtime/live-map-shard';
import { createHandler as subscribeHandler } from '../../lambdas/realtime/subscribe';
import { tableEnvironment } from '../../local/local-platform';
import { useTestTables } from '../support/local-dynamo';

/**
 * Issue #13: what a WebSocket costs in DynamoDB write units, counted at the SDK on DynamoDB Local
 * (ReturnConsumedCapacity) with the real $connect, subscribe and $disconnect handlers. A buyer's
 * socket that never watches the map costs one write in all (its buyer's set at $connect; before:
 * three — the connection item, the set, its delete); an anonymous viewer that never subscribes
 * costs none. A subscribe that loses the race to its own $disconnect is accepted, not closed: the
 * gone member is removed at the first tick that finds it gone (410) and stops counting against the
 * socket budget there (lambdas/core/live/viewer-subscription.ts).
 */
describe('write units of a WebSocket', () => {
  const SIGNING_KEY = 'connection-writes-test-signing-key-0123456789';
  let store: Store;
  const units = { write: 0, read: 0 };
  let connect: ReturnType<typeof connectHandler>;
  let subscribe: ReturnType<typeof subscribeHandler>;
  let disconnect: ReturnType<typeof disconnectHandler>;
  let deliver: ReturnType<typeof shardWorker>;
  const goneSockets = new Set<string>();
  const posted: string[] = [];

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    const plain = createStore(client, tables);
    const doc = new Proxy(plain.doc, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string }; input: { ReturnConsumedCapacity?: string } }) => {
          command.input.ReturnConsumedCapacity = 'TOTAL';
          const output = (await target.send(command as Parameters<DynamoDBDocumentClient['send']>[0])) as {
            ConsumedCapacity?: { CapacityUnits?: number };
          };
          const counted = output.ConsumedCapacity?.CapacityUnits ?? 0;
          if (/^(Put|Update|Delete)Command$/.test(command.constructor.name)) units.write += counted;
          else units.read += counted;
          return output;
        };
      },
    });
    store = { ...plain, doc };
    // One shard with room for two viewers: the budget is easy to fill.
    const config = parseConfig({
      ...tableEnvironment(tables),
      SESSION_SIGNING_KEY: SIGNING_KEY,
      LIVE_MAP_SHARDS: '1',
      LIVE_MAP_SOCKET_VIEWERS: '2',
    });
    const secrets = createSecrets(() => config.secrets);
    const poster: ConnectionPoster = {
      async post(connectionId) {
        if (goneSockets.has(connectionId)) return 'gone';
        posted.push(connectionId);
        return 'sent';
      },
    };
    connect = connectHandler({ store, secrets });
    subscribe = subscribeHandler({ store, config, secrets });
    disconnect = disconnectHandler({ store, config });
    deliver = shardWorker({ store, poster });
  });

  beforeEach(() => {
    units.write = 0;
    units.read = 0;
  });

  const wsEvent = (connectionId: string, routeKey: string, extra: Partial<APIGatewayProxyWebsocketEventV2> = {}) =>
    ({
      requestContext: { connectionId, routeKey },
      isBase64Encoded: false,
      ...extra,
    }) as APIGatewayProxyWebsocketEventV2;
  const statusOf = (result: APIGatewayProxyStructuredResultV2) => result.statusCode;
  const bodyOf = (result: APIGatewayProxyStructuredResultV2) => JSON.parse(result.body ?? '{}') as { type?: string };
  const opened = async (connectionId: string, query?: Record<string, string>) =>
    statusOf(await connect(wsEvent(connectionId, '$connect', query ? { queryStringParameters: query } : {})));
  const subscribed = async (connectionId: string, body: Record<string, unknown>) =>
    subscribe(wsEvent(connectionId, 'subscribe', { body: JSON.stringify({ action: 'subscribe', ...body }) }));
  const closed = async (connectionId: string) => statusOf(await disconnect(wsEvent(connectionId, '$disconnect')));
  const id = () => `conn-${randomUUID()}`;

  it("a buyer's socket that connects and disconnects costs one write unit in all (its buyer's set)", async () => {
    const buyer = await createSession(SIGNING_KEY);
    const socket = id();
    expect(await opened(socket, { token: buyer.token })).toBe(200);
    expect(await closed(socket)).toBe(200);
    expect(units.write).toBe(1);
    // The $disconnect's one strongly consistent read, to find the socket had no item to delete.
    expect(units.read).toBe(1);
    // The broadcaster still finds it (until a post finds it gone: leaveBuyer).
    expect(
      (await connectionRepository(store).ofBuyers([buyer.buyerId])).get(buyer.buyerId)?.map((s) => s.connectionId),
    ).toEqual([socket]);
  });

  it('an anonymous viewer that never subscribes writes nothing; an operator’s socket is recorded (put, delete)', async () => {
    const viewer = id();
    expect(await opened(viewer)).toBe(200);
    expect(await closed(viewer)).toBe(200);
    expect(units.write).toBe(0);

    const operator = await createOperatorSession(SIGNING_KEY);
    const socket = id();
    expect(await opened(socket, { staff: operator.token })).toBe(200);
    expect(await getConnection(store, socket)).toMatchObject({ operatorId: operator.operatorId });
    units.write = 0;
    expect(await closed(socket)).toBe(200);
    expect(await getConnection(store, socket)).toBeUndefined();
    expect(units.write).toBe(1);
  });

  it('a socket watching the map: a buyer’s costs 5 units (6 before), an anonymous viewer’s 4 (5 before)', async () => {
    const eventId = `ev-${randomUUID()}`;
    const buyer = await createSession(SIGNING_KEY);
    const mine = id();
    expect(await opened(mine, { token: buyer.token })).toBe(200);
    expect(bodyOf(await subscribed(mine, { eventId, token: buyer.token }))).toEqual({ type: 'subscribed', eventId });
    expect(await getConnection(store, mine)).toMatchObject({ eventId, expiresAt: expect.any(Number) });
    expect(await closed(mine)).toBe(200);
    // The set (1); the shard join and the connection item (2); the item's delete and the shard leave (2).
    expect(units.write).toBe(5);
    expect(await getConnection(store, mine)).toBeUndefined();
    expect(await liveShards(store).members(eventId, 0)).toEqual([]);

    units.write = 0;
    const viewer = id();
    expect(await opened(viewer)).toBe(200);
    expect(bodyOf(await subscribed(viewer, { eventId }))).toEqual({ type: 'subscribed', eventId });
    expect(await closed(viewer)).toBe(200);
    expect(units.write).toBe(4);
  });

  it('lets a buyer with an open order in beyond the budget when the subscribe carries the session; a bad token is refused', async () => {
    const eventId = `ev-${randomUUID()}`;
    for (const viewer of [id(), id()]) {
      await opened(viewer);
      expect(bodyOf(await subscribed(viewer, { eventId })).type).toBe('subscribed');
    }
    const anonymous = id();
    await opened(anonymous);
    expect(bodyOf(await subscribed(anonymous, { eventId })).type).toBe('crowded');
    // A crowded socket (it closes and polls) got no item: its $disconnect writes nothing.
    units.write = 0;
    expect(await closed(anonymous)).toBe(200);
    expect(units.write).toBe(0);

    const buyer = await createSession(SIGNING_KEY);
    await openOrderRepository(store).claim({ eventId, buyerId: buyer.buyerId }, 'ord-buying', undefined, Date.now());
    const buying = id();
    await opened(buying, { token: buyer.token });
    expect(bodyOf(await subscribed(buying, { eventId })).type).toBe('crowded');
    expect(bodyOf(await subscribed(buying, { eventId, token: buyer.token })).type).toBe('subscribed');

    const forged = await createSession('another-key-that-is-long-enough-for-hs256!!');
    const refused = await subscribed(buying, { eventId, token: forged.token });
    expect(statusOf(refused)).toBe(401);
    expect(bodyOf(refused)).toMatchObject({ type: 'error', code: 'Unauthorized' });
  });

  it('a buyer’s or anonymous socket asking for a dashboard is Forbidden (it has no operator item)', async () => {
    const buyer = await createSession(SIGNING_KEY);
    const socket = id();
    await opened(socket, { token: buyer.token });
    const answer = await subscribed(socket, { eventId: `ev-${randomUUID()}`, view: 'dashboard' });
    expect(statusOf(answer)).toBe(403);
    expect(bodyOf(answer)).toMatchObject({ type: 'error', code: 'Forbidden' });
  });

  it('a subscribe that lost the race to its own $disconnect: the gone member goes at the first tick (410) and stops counting against the budget', async () => {
    const eventId = `ev-${randomUUID()}`;
    const late = id();
    await opened(late);
    await closed(late);
    // The subscribe handler ran after the $disconnect (as it can on AWS): it records a socket that is gone.
    expect(bodyOf(await subscribed(late, { eventId })).type).toBe('subscribed');
    goneSockets.add(late);
    const watching = id();
    await opened(watching);
    expect(bodyOf(await subscribed(watching, { eventId })).type).toBe('subscribed');
    // The shard's two places are taken, one of them by the gone socket.
    const newcomer = id();
    await opened(newcomer);
    expect(bodyOf(await subscribed(newcomer, { eventId })).type).toBe('crowded');

    await deliver({ eventId, shard: 0, data: '{"type":"seats"}' });
    expect(posted).toContain(watching);
    expect(await liveShards(store).members(eventId, 0)).toEqual([watching]);
    expect(await getConnection(store, late)).toBeUndefined();
    expect(bodyOf(await subscribed(newcomer, { eventId })).type).toBe('subscribed');
  });
});
