import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAdminKey } from '../../lambdas/core/access/admin-key';
import { forEachLimited } from '../../lambdas/core/platform/concurrency';
import { logger } from '../../lambdas/core/platform/logger';
import { memo } from '../../lambdas/core/platform/pages';
import { NotificationFailed, sendConfirmation } from '../../lambdas/core/tickets/confirmation';

/** Small core helpers with rules of their own: the admin key check, bounded concurrency, lookups memoized, simulated notifications. */

describe('the admin key check', () => {
  it('accepts exactly the configured key', () => {
    expect(isAdminKey('s3cret-key', 's3cret-key')).toBe(true);
  });

  it('refuses another key, a prefix, a longer key, and a different case', () => {
    for (const guess of ['other', 's3cret', 's3cret-key!', 'S3CRET-KEY', ''])
      expect(isAdminKey(guess, 's3cret-key')).toBe(false);
  });

  it('refuses everything when no key is configured, even an empty guess', () => {
    expect(isAdminKey('', '')).toBe(false);
    expect(isAdminKey('anything', undefined)).toBe(false);
    expect(isAdminKey(undefined, undefined)).toBe(false);
  });

  it('refuses a request without a key', () => {
    expect(isAdminKey(undefined, 's3cret-key')).toBe(false);
  });
});

describe('forEachLimited', () => {
  /** Runs tasks that finish in a shuffled order, recording how many ran at once. */
  async function run(items: number[], limit: number) {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachLimited(items, limit, async (item) => {
      running += 1;
      most = Math.max(most, running);
      // Resolve after a varying number of microtask turns, so tasks overlap and finish out of order.
      for (let turn = 0; turn < (item * 7) % 5; turn++) await Promise.resolve();
      done.push(item);
      running -= 1;
    });
    return { most, done };
  }

  it('runs every item once, never more than the limit at a time', async () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const { most, done } = await run(items, 3);
    expect(most).toBe(3);
    expect([...done].sort((a, b) => a - b)).toEqual(items);
  });

  it('starts no more workers than there are items, and at least one', async () => {
    expect((await run([1, 2], 10)).most).toBe(2);
    expect((await run([1, 2, 3], 0)).most).toBe(1);
    expect((await run([], 4)).done).toEqual([]);
  });

  it('rejects when a task rejects', async () => {
    await expect(
      forEachLimited([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('post failed');
      }),
    ).rejects.toThrow('post failed');
  });
});

describe('simulated confirmations', () => {
  const order = { orderId: 'ord_1', eventId: 'ev', buyerId: 'buyer-1', seatIds: ['A1', 'A2'] };
  const config = { emailFailureRate: 0.3, smsFailureRate: 0.6, latencyMs: 0 };

  afterEach(() => vi.restoreAllMocks());

  it('sends (logs) the message when the draw is at or above the channel’s failure rate', async () => {
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    await sendConfirmation('email', order, config, () => 0.3);
    expect(info).toHaveBeenCalledWith(
      'Confirmation sent',
      expect.objectContaining({ channel: 'email', orderId: 'ord_1', text: 'Your tickets for ev: seats A1, A2' }),
    );
  });

  it('fails with NotificationFailed naming the channel when the draw is below its own rate', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    await expect(sendConfirmation('email', order, config, () => 0.29)).rejects.toThrow(
      new NotificationFailed('The email gateway did not accept the message'),
    );
    // 0.5 fails an SMS (rate 0.6) but not an e-mail (rate 0.3).
    await expect(sendConfirmation('sms', order, config, () => 0.5)).rejects.toBeInstanceOf(NotificationFailed);
    await expect(sendConfirmation('email', order, config, () => 0.5)).resolves.toBeUndefined();
  });
});

describe('memo', () => {
  it('looks each key up once, concurrent callers included, and gives every caller the same answer', async () => {
    const lookups: string[] = [];
    const find = memo(async (key: string) => {
      lookups.push(key);
      return { key };
    });
    const [a, b] = await Promise.all([find('ord_1'), find('ord_1')]);
    const c = await find('ord_2');
    expect(a).toBe(b);
    expect(c).toEqual({ key: 'ord_2' });
    expect(lookups).toEqual(['ord_1', 'ord_2']);
  });
});
