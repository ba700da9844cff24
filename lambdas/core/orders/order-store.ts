import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OrderNotFound, OrderStateConflict } from '../platform/errors';
import type { Store } from '../platform/store';
import type { OrderRecord, OrderStatus } from './order-record';
import type { OrderChange, OrderExpectation, OrderRepository } from './order-repository';

export type { OrderChange, OrderExpectation, OrderRepository } from './order-repository';

/**
 * The orders table behind the `OrderRepository` port (DynamoDB adapter). Every expression string
 * about orders lives here; a transition's guards are the named fragments below.
 */

interface Fragment {
  readonly expression: string;
  readonly values?: Record<string, unknown>;
  readonly names?: Record<string, string>;
}

const PAYMENT_NAMES = { '#payment': 'payment', '#intent': 'intent', '#key': 'key', '#chargeId': 'chargeId' };

/** One condition fragment per expectation of the port. */
const EXPECTATIONS: {
  readonly [K in keyof OrderExpectation]-?: (value: NonNullable<OrderExpectation[K]>) => Fragment;
} = {
  taskToken: (token) => ({ expression: 'taskToken = :token', values: { ':token': token } }),
  withoutTaskToken: () => ({ expression: 'attribute_not_exists(taskToken)' }),
  version: (version) => ({ expression: 'version = :expectedVersion', values: { ':expectedVersion': version } }),
  failureReason: (reason) => ({ expression: 'failureReason = :failureReason', values: { ':failureReason': reason } }),
  paymentAttempt: (attempt) => ({
    expression: '#payment.#attempt = :attempt',
    values: { ':attempt': attempt },
    names: { '#payment': 'payment', '#attempt': 'attempt' },
  }),
  intentKey: (key) => ({
    expression: '#payment.#intent.#key = :intentKey',
    values: { ':intentKey': key },
    names: PAYMENT_NAMES,
  }),
  uncharged: () => ({ expression: 'attribute_not_exists(#payment.#chargeId)', names: PAYMENT_NAMES }),
  unchargedOr: (chargeId) => ({
    expression: '(attribute_not_exists(#payment.#chargeId) OR #payment.#chargeId = :chargeId)',
    values: { ':chargeId': chargeId },
    names: PAYMENT_NAMES,
  }),
  charged: () => ({ expression: 'attribute_exists(#payment.#chargeId)', names: PAYMENT_NAMES }),
};

const NEW_ORDER = 'attribute_not_exists(orderId)';
const EXISTING_ORDER = 'attribute_exists(orderId)';

function expectationFragments(expect: OrderExpectation = {}): Fragment[] {
  return Object.entries(expect)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => (EXPECTATIONS[name as keyof OrderExpectation] as (value: unknown) => Fragment)(value));
}

/** The DynamoDB adapter of the orders port. */
export function orderRepository(store: Store): OrderRepository {
  const get: OrderRepository['get'] = async (orderId, options = {}) => {
    const result = await store.doc.send(
      new GetCommand({ TableName: store.tables.orders, Key: { orderId }, ConsistentRead: options.consistent ?? true }),
    );
    if (!result.Item) throw new OrderNotFound(orderId);
    return result.Item as OrderRecord;
  };

  return {
    get,

    async find(orderId) {
      try {
        return await get(orderId);
      } catch (error) {
        if (error instanceof OrderNotFound) return undefined;
        throw error;
      }
    },

    async statusOf(orderId) {
      const { Item } = await store.doc.send(
        new GetCommand({
          TableName: store.tables.orders,
          Key: { orderId },
          ProjectionExpression: '#status',
          ExpressionAttributeNames: { '#status': 'status' },
        }),
      );
      return Item?.status as OrderStatus | undefined;
    },

    async putNew(order) {
      try {
        await store.doc.send(
          new PutCommand({ TableName: store.tables.orders, Item: order, ConditionExpression: NEW_ORDER }),
        );
        return order;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return get(order.orderId);
        throw error;
      }
    },

    async update(orderId, change) {
      const guards = expectationFragments(change.expect);
      const names: Record<string, string> = {
        '#status': 'status',
        ...Object.assign({}, ...guards.map((g) => g.names)),
      };
      const values: Record<string, unknown> = {
        ':one': 1,
        ':now': store.now(),
        ...Object.assign({}, ...guards.map((g) => g.values)),
      };
      const path = (dotted: string) =>
        dotted
          .split('.')
          .map((part) => {
            const name = `#${part}`;
            names[name] = part;
            return name;
          })
          .join('.');

      const sets = ['updatedAt = :now'];
      Object.entries(change.set ?? {}).forEach(([attribute, value], i) => {
        values[`:v${i}`] = value;
        sets.push(`${path(attribute)} = :v${i}`);
      });
      Object.entries(change.increment ?? {}).forEach(([attribute, amount], i) => {
        values[`:inc${i}`] = amount;
        sets.push(`${path(attribute)} = ${path(attribute)} + :inc${i}`);
      });
      const fromPlaceholders = change.from.map((status, i) => {
        values[`:from${i}`] = status;
        return `:from${i}`;
      });
      const removes = (change.remove ?? []).map(path);
      const conditionExpression = [
        EXISTING_ORDER,
        `#status IN (${fromPlaceholders.join(', ')})`,
        ...guards.map((g) => g.expression),
      ].join(' AND ');
      const updateExpression = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD version :one`;
      // DynamoDB refuses names an expression does not use (a shared set of condition names may hold more).
      const usedNames = Object.fromEntries(
        Object.entries(names).filter(([name]) =>
          new RegExp(`${name}(?![A-Za-z0-9_])`).test(`${updateExpression} ${conditionExpression}`),
        ),
      );

      try {
        const result = await store.doc.send(
          new UpdateCommand({
            TableName: store.tables.orders,
            Key: { orderId },
            UpdateExpression: updateExpression,
            ConditionExpression: conditionExpression,
            ExpressionAttributeNames: usedNames,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return result.Attributes as OrderRecord;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          await get(orderId); // OrderNotFound when there is no such order at all
          throw new OrderStateConflict(orderId, change.from);
        }
        throw error;
      }
    },
  };
}

// Shorthands for callers that hold a Store: one adapter per call (it is only a closure over the store).

export function getOrder(store: Store, orderId: string, options: { consistent?: boolean } = {}): Promise<OrderRecord> {
  return orderRepository(store).get(orderId, options);
}

export function findOrder(store: Store, orderId: string): Promise<OrderRecord | undefined> {
  return orderRepository(store).find(orderId);
}

export function putNewOrder(store: Store, order: OrderRecord): Promise<OrderRecord> {
  return orderRepository(store).putNew(order);
}

export function updateOrder(store: Store, orderId: string, change: OrderChange): Promise<OrderRecord> {
  return orderRepository(store).update(orderId, change);
}
