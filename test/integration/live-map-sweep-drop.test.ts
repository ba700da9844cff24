import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrop } from '../../bench/simulator/drop';
import { targetOf } from '../../bench/simulator/local-target';
import { DEFAULTS } from '../../bench/simulator/options';
import { RAISED_REQUEST_LIMITS } from '../../contract/request-limits';
import { SEAT_MAP_TICKS } from '../../contract/stream-consumers';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { FAST_SIMULATOR_ENV, TEST_SESSION_KEY } from '../support/api-client';

/**
 * Issue #14 at the scale of a drop — the chaos flake's mechanism: a loser told `SoldOut` waits
 * until its board shows every seat sold, and the board is the live map. Here the map's stream
 * builder loses every batch (each delivery fails before the handler runs → dead letter), so only
 * the sweep can move the map. Without it (its timer parked) all 64 losers were still waiting at
 * the deadline ("waiting for seats at the deadline"); with it every buyer finishes. Invariants only.
 */
describe('a drop whose live-map batches are all dead-lettered', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      faults: {
        seed: 11,
        rates: { 'stream.batchFailed': 1 },
        streamConsumers: [SEAT_MAP_TICKS.name],
        streamFailure: 'before',
      },
      reconcileIntervalMs: 3_000,
      liveMapSweepIntervalMs: 3_000,
      // Every simulated buyer comes from 127.0.0.1: the per-address limits raised, as the simulator does.
      requestLimits: RAISED_REQUEST_LIMITS,
      environment: {
        SESSION_SIGNING_KEY: TEST_SESSION_KEY,
        ...FAST_SIMULATOR_ENV,
        PAYMENT_LATENCY_MS: '20',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('still ends with every buyer finished: the sweep moves the map the stream builder never built', async () => {
    const result = await runDrop(
      { ...DEFAULTS, buyers: 80, seats: 16, holdSeconds: 30, chaos: true, timeoutSeconds: 200, seed: 3 },
      targetOf(stack),
    );
    expect(stack.faults.snapshot().deadLettered).toBeGreaterThan(0);
    expect(result.outcomes, JSON.stringify(result.failureReasons)).toMatchObject({ ticket: 16, soldOut: 64, open: 0 });
    expect(result.oversold).toBe(0);
  });
});
