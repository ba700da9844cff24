import { SFNServiceException } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { isThrottle, retryThrottled } from '../../lambdas/core/platform/throttling';

const throttle = (name = 'ThrottlingException') =>
  new SFNServiceException({ name, $fault: 'client', message: 'Rate exceeded', $metadata: {} });

describe('isThrottle', () => {
  it('knows the throttle shapes AWS answers with', () => {
    expect(isThrottle(throttle())).toBe(true);
    expect(isThrottle(throttle('ProvisionedThroughputExceededException'))).toBe(true);
    expect(isThrottle(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isThrottle(throttle('AccessDeniedException'))).toBe(false);
    expect(isThrottle('ThrottlingException')).toBe(false);
  });
});

describe('retryThrottled', () => {
  const waits: number[] = [];
  const retry = {
    attempts: 4,
    baseMs: 100,
    capMs: 250,
    random: () => 0.5,
    sleep: async (ms: number) => void waits.push(ms),
  };

  it('retries throttles with full jitter under a cap, then gives the throttle back', async () => {
    waits.length = 0;
    let calls = 0;
    await expect(
      retryThrottled(async () => {
        calls++;
        throw throttle();
      }, retry),
    ).rejects.toThrow('Rate exceeded');
    expect(calls).toBe(4);
    expect(waits).toEqual([50, 100, 125]); // random 0.5 × min(cap, 100·2^n)
  });

  it('answers the first success, and never retries another error', async () => {
    let calls = 0;
    expect(await retryThrottled(async () => (++calls < 3 ? Promise.reject(throttle()) : 'ok'), retry)).toBe('ok');
    calls = 0;
    await expect(
      retryThrottled(async () => {
        calls++;
        throw new Error('boom');
      }, retry),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});
