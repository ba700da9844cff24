import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from '../platform/conditional-write';
import type { Store } from '../platform/store';
import type { LimitCounter } from './request-limits';

/**
 * The abuse limits' counters on DynamoDB (the `limits` table): one item per key with `count` and
 * `expiresAt` (TTL). A request is one `UpdateItem` — `ADD count 1` on the condition that fewer
 * than `limit` were counted — so there is no read, concurrent requests cannot both take the last
 * place, and a refused request leaves the count as it was.
 */
export function limitCounter(store: Store): LimitCounter {
  return {
    take: (key, limit, expiresAtSeconds) =>
      writeIf(
        store,
        new UpdateCommand({
          TableName: store.tables.limits,
          Key: { limitKey: key },
          UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiresAt': expiresAtSeconds },
        }),
      ),
  };
}
