/**
 * Runs `task` for every item, at most `limit` at once (e.g. API Gateway posts: parallel, but not
 * thousands of sockets in one burst). Tasks should handle their own failures: a rejection
 * rejects the whole run.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
