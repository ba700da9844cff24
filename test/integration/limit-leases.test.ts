import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { limitCounter } from '../../lambdas/core/access/limit-counter-store';
import { type LeaseAsk, LimitLeases, leaseSize } from '../../lambdas/core/access/limit-leases';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { type TestTables, useTestTables } from '../support/local-dynamo';

/**
 * Leases on DynamoDB Local (issue #13): the counter's take (a lease, the rest when fewer remain,
 * nothing when full) and several `LimitLeases` — containers, each with its own memory — racing on
 * one address: never more than the limit admitted together, and exactly the limit when they keep
 * asking (no unit stranded by a lease's size).
 */
describe('limit leases on DynamoDB Local', () => {
  let testTables: TestTables;
  let store: Store;

  beforeAll(async () => {
    testTables = await useTestTables();
    store = createStore(testTables.client, testTables.tables);
  });

  const countOf = async (key: string) =>
    (
      await testTables.doc.send(
        new GetCommand({ TableName: testTables.tables.limits, Key: { limitKey: key }, ConsistentRead: true }),
      )
    ).Item?.count as number | undefined;

  it('take: the lease when that many remain, else what remains, then 0; never past the limit', async () => {
    const counter = limitCounter(store);
    const key = `take#${Date.now()}`;
    expect(await counter.take(key, 10, 25, 1234)).toBe(10);
    expect(await counter.take(key, 10, 25, 1234)).toBe(10);
    expect(await counter.take(key, 10, 25, 1234)).toBe(5);
    expect(await counter.take(key, 10, 25, 1234)).toBe(0);
    expect(await countOf(key)).toBe(25);
  });

  it('concurrent takes of the rest share it out exactly', async () => {
    const counter = limitCounter(store);
    const key = `rest#${Date.now()}`;
    expect(await counter.take(key, 90, 100, 1234)).toBe(90);
    const granted = await Promise.all(Array.from({ length: 8 }, () => counter.take(key, 4, 100, 1234)));
    expect(granted.reduce((sum, units) => sum + units, 0)).toBe(10);
    expect(await countOf(key)).toBe(100);
  });

  /** `containers` instances, each asking `inFlight` requests at a time until refused (or `asks` in all). */
  async function race(limit: number, containers: number, inFlight: number, asks = Number.POSITIVE_INFINITY) {
    const key = `race#${limit}#${Date.now()}`;
    const windowEndMs = Date.now() + 60_000;
    const request: LeaseAsk = {
      key,
      limit,
      windowEndMs,
      expiresAtSeconds: Math.ceil(windowEndMs / 1000),
      now: Date.now(),
    };
    const counter = limitCounter(store);
    let asked = 0;
    let writes = 0;
    const counting = {
      take: (...args: Parameters<typeof counter.take>) => {
        writes++;
        return counter.take(...args);
      },
    };
    const admittedBy = await Promise.all(
      Array.from({ length: containers }, async () => {
        const leases = new LimitLeases(counting);
        let admitted = 0;
        await Promise.all(
          Array.from({ length: inFlight }, async () => {
            while (asked < asks) {
              asked++;
              if (!(await leases.admit(request))) return;
              admitted++;
            }
          }),
        );
        return admitted;
      }),
    );
    return { admitted: admittedBy.reduce((sum, n) => sum + n, 0), count: await countOf(key), writes };
  }

  it('containers racing on limit 50 (leases of 1): exactly 50 admitted when they keep asking', async () => {
    const { admitted, count } = await race(50, 6, 4);
    expect(admitted).toBe(50);
    expect(count).toBe(50);
  });

  it('containers racing on limit 100,000 (leases of 1,000): exactly the limit, with about one write per lease', async () => {
    const limit = 100_000;
    const { admitted, count, writes } = await race(limit, 8, 8);
    expect(admitted).toBe(limit);
    expect(count).toBe(limit);
    // One take per lease, plus each container's last take (refused, or the rest) — not one per request.
    expect(writes).toBeLessThanOrEqual(limit / leaseSize(limit) + 2 * 8);
  });

  it('containers that stop asking early never pass the limit; the counter holds what they leased', async () => {
    const { admitted, count } = await race(5000, 8, 4, 3000);
    expect(admitted).toBe(3000);
    expect(count).toBeGreaterThanOrEqual(3000);
    expect(count).toBeLessThanOrEqual(3000 + 8 * (leaseSize(5000) - 1));
  });
});
