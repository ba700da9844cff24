import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { updateElseCurrent } from '../platform/conditional-write';
import type { Store } from '../platform/store';
import type { LimitCounter } from './limit-leases';

/**
 * The abuse limits' counters on DynamoDB (the `limits` table): one item per key with `count` and
 * `expiresAt` (TTL). Taking `units` is one `UpdateItem` — `ADD count units` on the condition that
 * the count stays within `limit` — so there is no read, concurrent takes cannot together pass the
 * limit, and a refused take leaves the count as it was. A refusal returns the count it met
 * (`ALL_OLD`), and the take asks again for what remains: fewer units than asked, 0 when the
 * window is full. Each retry follows another instance's successful take (that is what moved the
 * count), and asks for fewer units than the one before, so the loop ends.
 */
export function limitCounter(store: Store): LimitCounter {
  return {
    async take(key, units, limit, expiresAtSeconds) {
      let asked = Math.min(units, limit);
      while (asked > 0) {
        const outcome = await updateElseCurrent(
          store,
          new UpdateCommand({
            TableName: store.tables.limits,
            Key: { limitKey: key },
            UpdateExpression: 'ADD #count :units SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
            ConditionExpression: 'attribute_not_exists(#count) OR #count <= :most',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':units': asked, ':most': limit - asked, ':expiresAt': expiresAtSeconds },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        if (outcome.written) return asked;
        const counted = Number(outcome.current?.count ?? 0);
        asked = Math.min(asked - 1, limit - counted);
      }
      return 0;
    },
  };
}
