import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { prefixedTableNames } from '../../contract/tables';
import { createStore, type Store } from '../../lambdas/core/platform/store';

/**
 * SDK-level faults DynamoDB Local cannot produce (throttles, cancellation reasons, unprocessed
 * keys, lost answers): a Store whose document client is an aws-sdk-client-mock stub. Nothing
 * leaves the process; every `send` answers as the stub is told.
 */

export const NOW = 1_800_000_000_000;

/** A Store on a mocked document client; `random` 0 keeps retry backoffs at their minimum. */
export function mockedStore(overrides: Partial<Pick<Store, 'now' | 'random'>> = {}) {
  const doc = mockClient(DynamoDBDocumentClient);
  const store = createStore(
    new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    prefixedTableNames('t'),
    { now: () => NOW, random: () => 0, ...overrides },
  );
  return { doc, store };
}

/** What DynamoDB's errors carry besides their name: a fault side and request metadata. */
export function awsFault(status = 400) {
  return { $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 1 } };
}

/** An item as DynamoDB puts it in a ConditionalCheckFailed answer (raw attribute values). */
export function rawItem(item: Record<string, unknown>) {
  return marshall(item, { removeUndefinedValues: true });
}
