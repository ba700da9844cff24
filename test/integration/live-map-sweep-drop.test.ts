import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrop } from '../../bench/simulator/drop';
import { targetOf } from '../../bench/simulator/local-target';
import { DEFAULTS } from '../../bench/simulator/options';
import { SEAT_MAP_TICKS } from '../../contract/stream-consumers';
import type { LocalStack } from '../../local/local-stack';
import { startDropStack } from '../support/drop-stack';

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
    stack = await startDropStack({
      seed: 11,
      rates: { 'stream.batchFailed': 1 },
      streamConsumers: [SEAT_MAP_TICKS.name],
      streamFailure: 'before',
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
