import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';

/** The polling helper every integration test shares. */

describe('eventually', () => {
  it('resolves with the first value the check returns without throwing, and stops calling it', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls += 1;
        if (calls < 3) throw new Error(`not yet (${calls})`);
        return `ready after ${calls}`;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('ready after 3');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toBe(3);
  });

  it('waits for async checks, and takes a passing expect as a pass', async () => {
    const settled: string[] = [];
    setTimeout(() => settled.push('done'), 5);
    await eventually(async () => expect(settled).toEqual(['done']), { intervalMs: 1 });
    expect(settled).toEqual(['done']);
  });

  it('gives up with the error of the last attempt, so the failure says what was still wrong', async () => {
    let calls = 0;
    const failing = eventually(
      () => {
        calls += 1;
        throw new Error(`still wrong at attempt ${calls}`);
      },
      { timeoutMs: 30, intervalMs: 5 },
    );
    const error = await failing.catch((e: unknown) => e as Error);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(error.message).toBe(`still wrong at attempt ${calls}`);
  });

  it('keeps an assertion error as it is (its diff is the message)', async () => {
    await expect(
      eventually(() => expect({ status: 'RUNNING' }).toEqual({ status: 'SUCCEEDED' }), { timeoutMs: 0 }),
    ).rejects.toThrow(/expected \{ status: 'RUNNING' \} to deeply equal \{ status: 'SUCCEEDED' \}/);
  });

  it('tries once even with no time at all', async () => {
    await expect(eventually(() => 42, { timeoutMs: 0 })).resolves.toBe(42);
  });
});
