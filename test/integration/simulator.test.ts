import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrop, type Target } from '../../bench/simulator/drop';
import { targetOf } from '../../bench/simulator/local-target';
import { DEFAULTS, type DropOptions } from '../../bench/simulator/options';
import { toJson } from '../../bench/simulator/report';
import { RAISED_REQUEST_LIMITS_ENV } from '../../contract/request-limits';
import type { LocalStack } from '../../local/local-stack';
import { startApiStack } from '../support/api-client';

/**
 * The drop simulator's verdicts on small drops against the local stack, through the public API
 * only. Correctness only: how fast it went is for bench/, never asserted here.
 */
describe('the drop simulator', () => {
  let stack: LocalStack;
  let target: Target;

  beforeAll(async () => {
    stack = await startApiStack({
      PAYMENT_LATENCY_MS: '20',
      NOTIFICATION_LATENCY_MS: '0',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      // Every simulated buyer comes from 127.0.0.1: the per-address limits raised, as the simulator does.
      ...RAISED_REQUEST_LIMITS_ENV,
    });
    target = targetOf(stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const drop = (options: Partial<DropOptions>) =>
    runDrop({ ...DEFAULTS, buyers: 100, seats: 20, timeoutSeconds: 150, ...options }, target);

  it('100 buyers vs 20 seats: exactly 20 tickets, nothing open, no oversell', async () => {
    const result = await drop({ viewers: 3 });
    expect(result.failureReasons).toEqual({});
    expect(result.verdict).toEqual({ ok: true, problems: [] });
    expect(result.ticketsSold).toBe(20);
    expect(result.outcomes).toEqual({ ticket: 20, soldOut: 80, failed: 0, expired: 0, open: 0 });
    expect(result.openOrders).toBe(0);
    expect(result.oversell).toMatchObject({ ok: true, tickets: 20, seats: 20, soldSeats: 20, problems: [] });
    expect(new Set(result.winners.flatMap((w) => w.seats)).size).toBe(20);
    // Every order's execution was read back and ended.
    expect(result.executions.count).toBe(result.records.reduce((n, r) => n + r.orderIds.length, 0));
    expect(result.executions.byStatus.RUNNING ?? 0).toBe(0);
    expect(result.usage.stateTransitions).toMatchObject({ source: 'measured' });
    expect(result.usage.stateTransitions.value).toBeGreaterThanOrEqual(20 * 10);
    // The end-of-drop invariants: everything ended, every charge ticketed (no declines here), no
    // fault switch on this stack. The JSON summary carries them under these names.
    const summary = JSON.parse(toJson(result));
    expect(summary).toMatchObject({
      oversold: 0,
      openOrders: 0,
      runningExecutions: 0,
      money: { charged: 20, ticketed: 20, refunded: 0, unaccounted: 0, doubleCharged: 0 },
      waitingRoom: { leakedSlots: 0 },
      faults: {},
    });
    expect(summary.records).toBeUndefined();
  });

  it('the same drop behind a waiting room (10 at a time): exactly 20 tickets, nothing open, everyone admitted or told sold out', async () => {
    const result = await drop({ waitingRoom: true, maxConcurrent: 10 });
    expect(result.verdict).toEqual({ ok: true, problems: [] });
    expect(result.ticketsSold).toBe(20);
    expect(result.outcomes.ticket).toBe(20);
    expect(result.failureReasons).toEqual({}); // first, so a failure names its reason
    expect(result.outcomes).toMatchObject({ ticket: 20, failed: 0, expired: 0, open: 0 });
    expect(result.oversell.ok).toBe(true);
    expect(result.records.filter((r) => r.outcome === 'ticket').every((r) => r.admittedAt !== undefined)).toBe(true);
    expect(result).toMatchObject({
      oversold: 0,
      openOrders: 0,
      runningExecutions: 0,
      money: { ticketed: 20, unaccounted: 0, doubleCharged: 0 },
      waitingRoom: { leakedSlots: 0 },
      faults: {},
    });
    expect(result.money!.charged).toBe(result.money!.ticketed + result.money!.refunded);
  });
});
