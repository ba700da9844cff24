import {
  BatchGetCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Store } from './store';

/**
 * A whole table (or what a filter keeps of it), page by page, strongly consistent: for the
 * reconciler and operators, never on a buyer's path (a scan reads, and bills, every item).
 */
export async function scanAll<T>(store: Store, input: ScanCommandInput): Promise<T[]> {
  const items: T[] = [];
  let startKey: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await store.doc.send(new ScanCommand({ ...input, ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Every item a Query matches, page by page (an index query of one partition: orders of an event, …). */
export async function queryAll<T>(store: Store, input: QueryCommandInput): Promise<T[]> {
  const items: T[] = [];
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await store.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** One lookup per key while a report is built (many seats and charges point at the same order). */
export function memo<T>(fn: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, fn(key));
    return cache.get(key)!;
  };
}

/** BatchGetItem takes at most this many keys per request. */
const BATCH_GET_KEYS = 100;
const UNPROCESSED_READ_RETRIES = 8;

/**
 * The items of these keys that exist, strongly consistent, in the keys' order (one BatchGetItem
 * per 100 keys): what a keys-only index query is followed by. Keys DynamoDB leaves unprocessed
 * (throttling) are read again with backoff, never taken as absent.
 */
export async function batchGetAll<T>(
  store: Store,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  keyOf: (item: T) => string,
  keyString: (key: Record<string, unknown>) => string,
): Promise<T[]> {
  const found = new Map<string, T>();
  for (let start = 0; start < keys.length; start += BATCH_GET_KEYS) {
    let batch: Record<string, unknown>[] = keys.slice(start, start + BATCH_GET_KEYS);
    for (let attempt = 0; batch.length > 0; attempt++) {
      if (attempt > UNPROCESSED_READ_RETRIES)
        throw new Error(`DynamoDB kept leaving reads of ${tableName} unprocessed`);
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt) * (0.5 + store.random() / 2));
      const result = await store.doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch, ConsistentRead: true } } }),
      );
      for (const item of (result.Responses?.[tableName] ?? []) as T[]) found.set(keyOf(item), item);
      batch = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return keys.flatMap((key) => {
    const item = found.get(keyString(key));
    return item === undefined ? [] : [item];
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
