import { ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { logger } from './logger';
import type { OrderRecord } from './order';
import type { OrderWorkflow } from './order-workflow';
import type { PaymentProcessor } from './payments/processor';
import { compensateOrder } from './settlement';
import type { Store } from './store';

/**
 * Finishing orders whose flow is gone: open orders (HOLDING, PAYING) with no running execution,
 * e.g. after the local stack restarted (its executions live in memory) or an execution was
 * stopped by hand. A paid order is refunded, any other is expired; either way its seats are freed.
 */

export interface RecoveryReport {
  readonly checked: number;
  readonly expired: string[];
  readonly refunded: string[];
}

/** Orders not yet in a final status. A full scan: for start-up and operators, not the buy path. */
export async function findOpenOrders(store: Store): Promise<OrderRecord[]> {
  const orders: OrderRecord[] = [];
  let startKey: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await store.doc.send(
      new ScanCommand({
        TableName: store.tables.orders,
        FilterExpression: '#status IN (:holding, :paying)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':holding': 'HOLDING', ':paying': 'PAYING' },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    orders.push(...((page.Items ?? []) as OrderRecord[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return orders;
}

export async function recoverOrphanedOrders(
  store: Store,
  workflow: OrderWorkflow,
  processor: PaymentProcessor,
  reason: string,
): Promise<RecoveryReport> {
  const open = await findOpenOrders(store);
  const expired: string[] = [];
  const refunded: string[] = [];
  for (const order of open) {
    if (await workflow.isRunning(order.orderId)) continue;
    // One compensation for every ending: it refunds whatever the order was charged.
    const ended = await compensateOrder(store, processor, { orderId: order.orderId, status: order.status === 'PAYING' ? 'FAILED' : 'EXPIRED', reason });
    if (ended.refundedChargeIds.length > 0) refunded.push(order.orderId);
    else expired.push(order.orderId);
    logger.warn('Recovered an order whose flow was gone', { orderId: order.orderId, eventId: order.eventId, reason });
  }
  return { checked: open.length, expired, refunded };
}
