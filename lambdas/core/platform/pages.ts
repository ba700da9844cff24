import { QueryCommand, type QueryCommandInput, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
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
