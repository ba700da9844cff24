import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrop, type Target } from '../../bench/simulator/drop';
import { targetOf } from '../../bench/simulator/local-target';
import { DEFAULTS, type DropOptions } from '../../bench/simulator/options';
import { CHAOS_RATES, FAULT_KINDS } from '../../local/faults/fault-settings';
import type { LocalStack } from '../../local/local-stack';
import { startDropStack } from '../support/drop-stack';

/**
 * Chaos drops: the local stack fails the way AWS does (throttles and errors through the SDK, Lambda
 * timeouts after their side effects, lost processor answers, refused StartExecutions, failed stream
 * batches, API handlers dying after their writes), and the sale must still end clean: no seat sold
 * twice, every charge ticketed or refunded, nothing open, no flow running, no slot leaked. Only
 * invariants are asserted, never timings; the seeds make a failing run repeatable.
 */
describe('chaos drops', () => {
  let stack: LocalStack;
  let target: Target;

  beforeAll(async () => {
    // Twice the chaos profile's rates, so a small drop meets every kind of fault; a lost processor
    // answer at a quarter of the charges, since two drops make only ≈ 40 of them (at twice the
    // profile's 0.05 — ≈ 1.5 % odds of none — one CI run had none).
    stack = await startDropStack({
      seed: 7,
      rates: {
        ...Object.fromEntries(FAULT_KINDS.map((kind) => [kind, Math.min(0.5, CHAOS_RATES[kind] * 2)])),
        'payment.lostAnswer': 0.25,
      },
    });
    target = targetOf(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const drop = (options: Partial<DropOptions>) =>
    runDrop(
      { ...DEFAULTS, buyers: 80, seats: 16, holdSeconds: 30, chaos: true, timeoutSeconds: 200, ...options },
      target,
    );

  function expectClean(result: Awaited<ReturnType<typeof drop>>) {
    expect(result.oversold).toBe(0);
    expect(result.openOrders).toBe(0);
    expect(result.runningExecutions).toBe(0);
    expect(result.money).toMatchObject({ unaccounted: 0, doubleCharged: 0 });
    expect(result.money!.charged).toBe(result.money!.ticketed + result.money!.refunded);
    expect(result.money!.ticketed).toBe(result.ticketsSold);
    expect(result.waitingRoom.leakedSlots).toBe(0);
    // The buyers' reasons say where a failing drop stopped (e.g. losers waiting on a map that never moved).
    expect(result.verdict.problems, JSON.stringify(result.failureReasons)).toEqual([]);
  }

  it('80 buyers for 16 seats with faults injected: nothing oversold, money accounted for, nothing left open', async () => {
    const result = await drop({ seed: 3 });
    expectClean(result);
    expect(result.ticketsSold).toBeGreaterThan(0);
    expect(Object.values(result.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('the same behind a waiting room: no slot leaked, money accounted for', async () => {
    const result = await drop({ seed: 4, waitingRoom: true, maxConcurrent: 8 });
    expectClean(result);
    // Over both drops, every kind of fault was injected at least once.
    const counts = stack.faults.snapshot().counts;
    expect(FAULT_KINDS.filter((kind) => (counts[kind] ?? 0) === 0)).toEqual([]);
  });
});
