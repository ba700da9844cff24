import { describe, expect, it } from 'vitest';
import { CHAOS_RATES, FAULT_KINDS, resolveFaults } from '../../local/faults/fault-settings';
import { FaultSwitch, PAYMENT_LOST_ANSWER_RATE_ENV } from '../../local/faults/fault-switch';

describe('fault settings', () => {
  it('is off by default, chaos by name, and reads the seed from the environment', () => {
    expect(resolveFaults(undefined, {}, 7)).toMatchObject({ profile: 'off', seed: 7 });
    expect(Object.values(resolveFaults(undefined, {}, 7).rates).every((rate) => rate === 0)).toBe(true);
    expect(resolveFaults(undefined, { TICKETDROP_FAULTS: 'chaos', TICKETDROP_FAULTS_SEED: '42' }, 7)).toEqual({
      profile: 'chaos',
      seed: 42,
      rates: CHAOS_RATES,
    });
    // An explicit option wins over the environment.
    expect(resolveFaults('off', { TICKETDROP_FAULTS: 'chaos' }, 7).profile).toBe('off');
  });

  it('gives every kind a moderate chaos rate', () => {
    for (const kind of FAULT_KINDS) expect(CHAOS_RATES[kind]).toBeGreaterThan(0);
    for (const kind of FAULT_KINDS) expect(CHAOS_RATES[kind]).toBeLessThanOrEqual(0.05);
  });

  it('refuses typos instead of running without faults', () => {
    expect(() => resolveFaults(undefined, { TICKETDROP_FAULTS: 'choas' }, 1)).toThrow(/off" or "chaos/);
    expect(() => resolveFaults(undefined, { TICKETDROP_FAULTS: 'chaos', TICKETDROP_FAULTS_SEED: 'x' }, 1)).toThrow(
      /integer/,
    );
    expect(() => resolveFaults({ rates: { 'dynamo.throttle': 0.1 } as never }, {}, 1)).toThrow(/Unknown fault kind/);
    expect(() => resolveFaults({ rates: { 'api.crash': 2 } }, {}, 1)).toThrow(/between 0 and 1/);
  });

  it('reports explicit settings as the custom profile, unlisted kinds at 0', () => {
    const faults = resolveFaults({ seed: 3, rates: { 'lambda.timeout': 1 }, lambdaStates: ['IssueTickets'] }, {}, 1);
    expect(faults).toMatchObject({ profile: 'custom', seed: 3, lambdaStates: ['IssueTickets'] });
    expect(faults.rates['lambda.timeout']).toBe(1);
    expect(faults.rates['api.crash']).toBe(0);
  });
});

describe('the fault switch', () => {
  const draws = (faults: FaultSwitch, n: number) => Array.from({ length: n }, () => faults.draw('dynamodb.throttle'));

  it('draws reproducibly from its seed and counts what it injected, per kind', () => {
    const env = {};
    const a = new FaultSwitch(
      { seed: 11, rates: { 'dynamodb.throttle': 0.3 } },
      { environment: env, settingsEnvironment: {} },
    );
    const b = new FaultSwitch(
      { seed: 11, rates: { 'dynamodb.throttle': 0.3, 'api.crash': 0.5 } },
      { environment: env, settingsEnvironment: {} },
    );
    for (let i = 0; i < 50; i++) b.draw('api.crash'); // another kind's draws do not shift this one's
    const sequence = draws(a, 1000);
    expect(draws(b, 1000)).toEqual(sequence);
    const injected = sequence.filter(Boolean).length;
    expect(injected).toBeGreaterThan(200);
    expect(injected).toBeLessThan(400);
    expect(a.snapshot()).toMatchObject({
      profile: 'custom',
      seed: 11,
      counts: { 'dynamodb.throttle': injected, 'api.crash': 0 },
    });
    const other = new FaultSwitch(
      { seed: 12, rates: { 'dynamodb.throttle': 0.3 } },
      { environment: env, settingsEnvironment: {} },
    );
    expect(draws(other, 1000)).not.toEqual(sequence);
  });

  it('switches on and off while running, keeping its counts', () => {
    const faults = new FaultSwitch('off', { environment: {}, settingsEnvironment: {} });
    expect(draws(faults, 100).some(Boolean)).toBe(false);
    faults.set({ rates: { 'dynamodb.throttle': 1 } });
    expect(draws(faults, 10).every(Boolean)).toBe(true);
    faults.set('off');
    expect(draws(faults, 10).some(Boolean)).toBe(false);
    expect(faults.snapshot()).toMatchObject({ profile: 'off', counts: { 'dynamodb.throttle': 10 } });
  });

  it('limits lambda.timeout to the named states', () => {
    const faults = new FaultSwitch(
      { rates: { 'lambda.timeout': 1 }, lambdaStates: ['IssueTickets'] },
      { environment: {}, settingsEnvironment: {} },
    );
    expect(faults.drawLambdaTimeout('ConfirmSeats')).toBe(false);
    expect(faults.drawLambdaTimeout('IssueTickets')).toBe(true);
    expect(faults.snapshot().counts['lambda.timeout']).toBe(1);
  });

  it('limits stream.batchFailed to the named consumers, and to before or after the handler when told', () => {
    const faults = new FaultSwitch(
      { rates: { 'stream.batchFailed': 1 }, streamConsumers: ['seat-map-ticks'], streamFailure: 'before' },
      { environment: {}, settingsEnvironment: {} },
    );
    expect(faults.drawBatchFailure('broadcaster')).toBeUndefined();
    expect(Array.from({ length: 5 }, () => faults.drawBatchFailure('seat-map-ticks'))).toEqual(Array(5).fill('before'));
    expect(faults.snapshot().counts['stream.batchFailed']).toBe(5);
    // Without the limits: every consumer, half before and half after (seeded).
    faults.set({ seed: 1, rates: { 'stream.batchFailed': 1 } });
    const whens = new Set(Array.from({ length: 20 }, () => faults.drawBatchFailure('broadcaster')));
    expect(whens).toEqual(new Set(['before', 'after']));
  });

  it('refuses only the first start of an execution name', () => {
    const faults = new FaultSwitch({ rates: { 'sfn.startFailed': 1 } }, { environment: {}, settingsEnvironment: {} });
    expect(faults.drawStartFailure('order-1')).toBe(true);
    expect(faults.drawStartFailure('order-1')).toBe(false);
    expect(faults.drawStartFailure('order-2')).toBe(true);
    expect(faults.snapshot().counts['sfn.startFailed']).toBe(2);
  });

  it('gives the handlers the lost-answer rate and reports the processor’s own count', () => {
    const env: Record<string, string | undefined> = {};
    let lost = 5; // what the process had lost before this stack started does not count
    const faults = new FaultSwitch('chaos', {
      environment: env,
      settingsEnvironment: {},
      counters: { paymentLostAnswers: () => lost },
    });
    expect(env[PAYMENT_LOST_ANSWER_RATE_ENV]).toBe(String(CHAOS_RATES['payment.lostAnswer']));
    lost = 8;
    expect(faults.snapshot().counts['payment.lostAnswer']).toBe(3);
    faults.set('off');
    expect(env[PAYMENT_LOST_ANSWER_RATE_ENV]).toBe('0');
  });
});
