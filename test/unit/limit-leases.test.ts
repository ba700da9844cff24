import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_LIMITS, MAX_REQUEST_LIMIT } from '../../contract/request-limits';
import { type LeaseAsk, LimitLeases, leaseSize } from '../../lambdas/core/access/limit-leases';
import { checkRequestLimit, limitKey } from '../../lambdas/core/access/request-limits';
import { FakeLimitCounter } from '../support/fakes/fake-limit-counter';

/**
 * Leases on the limits' counters (issue #13), on an in-memory counter with a hand-moved clock:
 * one counter shared by several `LimitLeases` is several containers sharing the `limits` table.
 */

const WINDOW_START = Date.UTC(2026, 11, 1, 12, 0, 0);
const WINDOW_END = WINDOW_START + 60_000;

function ask(limit: number, key = 'sessions#203.0.113.7#0', now = WINDOW_START + 1000): LeaseAsk {
  return { key, limit, windowEndMs: WINDOW_END, expiresAtSeconds: WINDOW_END / 1000 + 60, now };
}

async function admitted(leases: LimitLeases, times: number, request: LeaseAsk): Promise<number> {
  let count = 0;
  for (let i = 0; i < times; i++) if (await leases.admit(request)) count++;
  return count;
}

describe('lease size', () => {
  it('is 1 at every default limit (exact) and 1/100 of a large limit', () => {
    for (const { limit } of Object.values(DEFAULT_REQUEST_LIMITS)) expect(leaseSize(limit)).toBe(1);
    expect(leaseSize(1)).toBe(1);
    expect(leaseSize(199)).toBe(1);
    expect(leaseSize(200)).toBe(2);
    expect(leaseSize(1000)).toBe(10);
    expect(leaseSize(MAX_REQUEST_LIMIT)).toBe(100_000);
  });
});

describe('LimitLeases', () => {
  it('at a limit of 20 takes one unit per request, like one write per request, and refuses the 21st', async () => {
    const counter = new FakeLimitCounter();
    const leases = new LimitLeases(counter);
    expect(await admitted(leases, 20, ask(20))).toBe(20);
    expect(await leases.admit(ask(20))).toBe(false);
    expect(counter.takes.map((take) => take.units)).toEqual(Array(21).fill(1));
    expect(counter.counts.get(ask(20).key)?.count).toBe(20);
  });

  it('refuses a full window from memory: later requests of it cost no take', async () => {
    const counter = new FakeLimitCounter();
    const leases = new LimitLeases(counter);
    await admitted(leases, 3, ask(2));
    const takes = counter.takes.length;
    expect(await admitted(leases, 100, ask(2))).toBe(0);
    expect(counter.takes).toHaveLength(takes);
  });

  it('1,000 requests under a raised limit: one take of 100,000 (was 1,000 takes)', async () => {
    const counter = new FakeLimitCounter();
    const leases = new LimitLeases(counter);
    expect(await admitted(leases, 1000, ask(MAX_REQUEST_LIMIT))).toBe(1000);
    expect(counter.takes).toEqual([{ key: ask(1).key, units: 100_000, granted: 100_000 }]);
  });

  it('concurrent requests of a key wait for one take instead of each leasing', async () => {
    const counter = new FakeLimitCounter();
    const leases = new LimitLeases(counter);
    const answers = await Promise.all(Array.from({ length: 64 }, () => leases.admit(ask(1000))));
    expect(answers.filter(Boolean)).toHaveLength(64);
    // 64 requests, leases of 10: the next take only once the units in hand are used.
    expect(counter.takes.map((take) => take.units)).toEqual(Array(7).fill(10));
  });

  it('strands at most lease − 1 units in an idle container, and uses them once asked', async () => {
    const counter = new FakeLimitCounter();
    const [a, b] = [new LimitLeases(counter), new LimitLeases(counter)];
    // Limit 1,000, leases of 10: container a leases 10 and uses 1; b asks until refused.
    expect(await a.admit(ask(1000))).toBe(true);
    expect(await admitted(b, 2000, ask(1000))).toBe(990);
    expect(counter.counts.get(ask(1).key)?.count).toBe(1000);
    // a idle, its 9 are stranded (≤ lease − 1 per container); asked, it uses them: together exactly the limit.
    expect(await admitted(a, 20, ask(1000))).toBe(9);
  });

  it('a partial grant: 995 counted elsewhere, a lease of 10 gets the 5 left', async () => {
    const counter = new FakeLimitCounter();
    counter.counts.set(ask(1).key, { count: 995, expiresAtSeconds: 0 });
    const leases = new LimitLeases(counter);
    expect(await admitted(leases, 10, ask(1000))).toBe(5);
    expect(counter.takes).toEqual([
      { key: ask(1).key, units: 10, granted: 5 },
      { key: ask(1).key, units: 10, granted: 0 },
    ]);
  });

  it('never admits more than the limit across containers, whatever the interleaving', async () => {
    const counter = new FakeLimitCounter();
    const containers = Array.from({ length: 7 }, () => new LimitLeases(counter));
    const answers = await Promise.all(
      Array.from({ length: 3000 }, (_, n) => containers[n % containers.length]!.admit(ask(2345))),
    );
    expect(answers.filter(Boolean)).toHaveLength(2345);
    expect(counter.counts.get(ask(1).key)?.count).toBe(2345);
  });

  it('units in hand belong to their window: the next window leases again, the old entry is dropped', async () => {
    const counter = new FakeLimitCounter();
    const leases = new LimitLeases(counter);
    const first = ask(1000, limitKey('sessions', '203.0.113.7', WINDOW_START));
    expect(await leases.admit(first)).toBe(true);
    const next = {
      ...ask(1000, limitKey('sessions', '203.0.113.7', WINDOW_END), WINDOW_END + 1),
      windowEndMs: WINDOW_END + 60_000,
    };
    expect(await leases.admit(next)).toBe(true);
    expect(counter.takes.map((take) => take.key)).toEqual([first.key, next.key]);
    expect(leases.size).toBe(1);
  });

  it('keeps at most maxKeys keys, least recently used out first (rotating addresses cannot grow it)', async () => {
    const counter = new FakeLimitCounter();
    const leases = new LimitLeases(counter, 3);
    const of = (n: number) => ask(1000, `sessions#198.51.100.${n}#0`);
    await leases.admit(of(1));
    await leases.admit(of(2));
    await leases.admit(of(3));
    await leases.admit(of(1)); // 1 used again: 2 is now the least recent
    for (let n = 4; n < 1000; n++) await leases.admit(of(n));
    expect(leases.size).toBe(3);
    await leases.admit(of(999));
    expect(counter.takes.filter((take) => take.key === of(999).key)).toHaveLength(1);
    // An evicted key leases again (its 9 units are stranded: under-admission, never over).
    await leases.admit(of(1));
    expect(counter.takes.filter((take) => take.key === of(1).key)).toHaveLength(2);
  });

  it('a failed take reaches every waiting request; the next request tries again', async () => {
    const counter = new FakeLimitCounter();
    const leases = new LimitLeases(counter);
    counter.failWith = Object.assign(new Error('Throughput exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const answers = await Promise.allSettled(Array.from({ length: 5 }, () => leases.admit(ask(1000))));
    expect(answers.every((answer) => answer.status === 'rejected')).toBe(true);
    counter.failWith = undefined;
    expect(await leases.admit(ask(1000))).toBe(true);
  });

  it('a changed limit starts afresh', async () => {
    const counter = new FakeLimitCounter();
    const leases = new LimitLeases(counter);
    await admitted(leases, 3, ask(2));
    expect(await leases.admit(ask(5))).toBe(true);
  });
});

describe('checkRequestLimit on leases', () => {
  it('keeps the throttle policy: refused with a short Retry-After, no lease left behind', async () => {
    const counter = new FakeLimitCounter();
    const leases = new LimitLeases(counter);
    const request = { action: 'sessions', address: '203.0.113.9', limit: { limit: 1000, windowSeconds: 60 } } as const;
    counter.failWith = Object.assign(new Error('Throughput exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    expect(await checkRequestLimit(leases, { ...request, now: WINDOW_START })).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
    counter.failWith = undefined;
    expect(await checkRequestLimit(leases, { ...request, now: WINDOW_START })).toEqual({ allowed: true });
  });
});
