import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrop } from '../../bench/simulator/drop';
import { DEFAULTS } from '../../bench/simulator/options';
import { type StackProcess, startStackFor } from '../../bench/simulator/stack-process';

/**
 * The benchmarks' stack in its own process: it serves, its SDK calls are counted where they are
 * made (in the child) and reach the drop's report, and stop() leaves no process behind.
 */
describe('the stack process', () => {
  let stack: StackProcess;
  const output: string[] = [];

  beforeAll(async () => {
    stack = await startStackFor(
      { declineRate: 0, paymentLatencyMs: 0, slowRate: 0, notificationLatencyMs: 0 },
      { onOutput: (text) => output.push(text) },
    );
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('runs in another process and reports its endpoints', async () => {
    expect(stack.pid).not.toBe(process.pid);
    expect(stack.endpoints.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const config = await fetch(`${stack.endpoints.url}/api/events/ticketdrop-live`);
    expect(config.status).toBe(200);
  });

  it('counts the stack’s DynamoDB requests in the child, from reset to snapshot', async () => {
    await stack.resetStats();
    expect((await stack.stats()).dynamo).toEqual({});
    await fetch(`${stack.endpoints.url}/api/events/ticketdrop-live`);
    const counted = await stack.stats();
    const calls = Object.values(counted.dynamo).reduce((n, op) => n + op.calls, 0);
    expect(calls).toBeGreaterThan(0);
  });

  it('a drop against it gets the child’s counts and the money audit', async () => {
    const drop = await runDrop(
      { ...DEFAULTS, buyers: 12, seats: 6, paymentLatencyMs: 0, timeoutSeconds: 120 },
      stack.target,
    );
    expect(drop.verdict).toEqual({ ok: true, problems: [] });
    expect(drop.money).toMatchObject({ unaccounted: 0, doubleCharged: 0 });
    expect(drop.dynamoOperations?.Update?.calls ?? 0).toBeGreaterThan(0);
  });

  it('stop() ends the child', async () => {
    const pid = stack.pid;
    await stack.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
