import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OrderNotFound, OrderStateConflict } from '../platform/errors';
import type { Store } from '../platform/store';
import type { OrderRecord, OrderStatus } from './order-record';

/** Reading and writing order records; every transition is guarded by the statuses it may leave. */

export async function getOrder(
  store: Store,
  orderId: string,
  options: { consistent?: boolean } = {},
): Promise<OrderRecord> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tables.orders, Key: { orderId }, ConsistentRead: options.consistent ?? true }),
  );
  if (!result.Item) throw new OrderNotFound(orderId);
  return result.Item as OrderRecord;
}

/** The order, or undefined when there is none (e.g. a claim or a record pointing at an order never written). */
export async function findOrder(store: Store, orderId: string): Promise<OrderRecord | undefined> {
  try {
    return await getOrder(store, orderId);
  } catch (error) {
    if (error instanceof OrderNotFound) return undefined;
    throw error;
  }
}

/** Writes a new order; a retry with the same order id returns the order already written. */
export async function putNewOrder(store: Store, order: OrderRecord): Promise<OrderRecord> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tables.orders,
        Item: order,
        ConditionExpression: 'attribute_not_exists(orderId)',
      }),
    );
    return order;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return getOrder(store, order.orderId);
    throw error;
  }
}

export interface OrderChange {
  /** Attributes to set; dotted names reach into maps, e.g. `payment.status`. */
  readonly set?: Record<string, unknown>;
  readonly remove?: readonly string[];
  /** Numbers to add to, e.g. `{ 'payment.round': 1 }` (SET arithmetic works inside maps too). */
  readonly increment?: Record<string, number>;
  /** The statuses the order may be in for the change to apply. */
  readonly from: readonly OrderStatus[];
  /** An extra condition, e.g. `taskToken = :token`, with its values (and `#names` it uses beyond those of the change). */
  readonly condition?: {
    readonly expression: string;
    readonly values: Record<string, unknown>;
    readonly names?: Record<string, string>;
  };
}

/**
 * Applies a change if the order is in one of the expected statuses (and meets the extra condition);
 * otherwise throws OrderStateConflict. Returns the order as it is after the change.
 */
export async function updateOrder(store: Store, orderId: string, change: OrderChange): Promise<OrderRecord> {
  const names: Record<string, string> = { '#status': 'status', ...change.condition?.names };
  const values: Record<string, unknown> = { ':one': 1, ':now': store.now(), ...change.condition?.values };
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
  const condition = [`#status IN (${fromPlaceholders.join(', ')})`, change.condition?.expression]
    .filter(Boolean)
    .join(' AND ');

  const updateExpression = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD version :one`;
  const conditionExpression = `attribute_exists(orderId) AND ${condition}`;
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
      await getOrder(store, orderId); // OrderNotFound when there is no such order at all
      throw new OrderStateConflict(orderId, change.from);
    }
    throw error;
  }
}
