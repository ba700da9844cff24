import { describe, expect, it } from 'vitest';
import { isHolderRequest, Semaphore } from '../../bench/simulator/http';

/**
 * The simulator's request scheduler (issue #13 item 4): with every slot busy, a buyer who holds
 * seats goes before the arrivals waiting for a slot, so a pay request is not starved behind
 * 20,000 sessions and creates until the hold lapses.
 */
describe('simulator request scheduler', () => {
  it('serves waiting holder requests before waiting arrivals, each line in its order', async () => {
    const gate = new Semaphore(1);
    const started: string[] = [];
    let release!: () => void;
    const first = gate.run(
      () =>
        new Promise<void>((resolve) => {
          started.push('busy');
          release = resolve;
        }),
    );
    const waiting = [
      gate.run(async () => started.push('arrival 1')),
      gate.run(async () => started.push('arrival 2')),
      gate.run(async () => started.push('holder 1'), true),
      gate.run(async () => started.push('holder 2'), true),
    ];
    release();
    await Promise.all([first, ...waiting]);
    expect(started).toEqual(['busy', 'holder 1', 'holder 2', 'arrival 1', 'arrival 2']);
  });

  it('takes every request about an existing order as a holder’s', () => {
    expect(isHolderRequest('/api/orders/ord_1/payment')).toBe(true);
    expect(isHolderRequest('/api/orders/ord_1')).toBe(true);
    expect(isHolderRequest('/api/events/ev/orders')).toBe(false);
    expect(isHolderRequest('/api/sessions')).toBe(false);
  });
});
