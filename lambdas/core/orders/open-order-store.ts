import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Store } from '../platform/store';
import { ORDER_IDS } from './buyer-orders';
import type { BuyerKey, OpenOrderRepository } from './open-order-repository';

/** The buyers table behind the `OpenOrderRepository` port (DynamoDB adapter). */

/** A first claim: the buyer has no pointer yet. */
const NO_POINTER = 'attribute_not_exists(openOrderId)';
/** A take-over: the pointer still names the order the caller saw. */
const POINTER_STILL_SEEN = 'openOrderId = :seen';
/** A release: the pointer still names the caller's own order. */
const POINTER_IS_MINE = 'openOrderId = :orderId';

export function openOrderRepository(store: Store): OpenOrderRepository {
  const key = (buyer: BuyerKey) => ({ eventId: buyer.eventId, buyerId: buyer.buyerId });
  return {
    async pointer(buyer) {
      const result = await store.doc.send(
        new GetCommand({
          TableName: store.tables.buyers,
          Key: key(buyer),
          ConsistentRead: true,
          ProjectionExpression: 'openOrderId',
        }),
      );
      return (result.Item?.openOrderId as string | undefined) ?? undefined;
    },

    async claim(buyer, orderId, seen, claimedAt) {
      try {
        await store.doc.send(
          new UpdateCommand({
            TableName: store.tables.buyers,
            Key: key(buyer),
            // The same write lists the order among the buyer's orders of the event (buyer-orders.ts):
            // the orders table needs no index for "the orders of this event". A refused claim adds nothing.
            UpdateExpression: 'SET openOrderId = :orderId, claimedAt = :now ADD #orderIds :listed',
            ConditionExpression: seen === undefined ? NO_POINTER : POINTER_STILL_SEEN,
            ExpressionAttributeNames: { '#orderIds': ORDER_IDS },
            ExpressionAttributeValues: {
              ':orderId': orderId,
              ':now': claimedAt,
              ':listed': new Set([orderId]),
              ...(seen === undefined ? {} : { ':seen': seen }),
            },
            // A refusal says what the pointer is (the old item, unread otherwise): no second request.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { claimed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const current = error.Item ? unmarshall(error.Item).openOrderId : undefined;
        return { claimed: false, current: typeof current === 'string' ? current : undefined };
      }
    },

    async release(buyer, orderId) {
      await store.doc
        .send(
          new UpdateCommand({
            TableName: store.tables.buyers,
            Key: key(buyer),
            UpdateExpression: 'REMOVE openOrderId',
            ConditionExpression: POINTER_IS_MINE,
            ExpressionAttributeValues: { ':orderId': orderId },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error; // already taken over
        });
    },
  };
}
