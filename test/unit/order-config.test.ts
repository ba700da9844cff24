import { describe, expect, it } from 'vitest';
import {
  MIN_HOLD_TO_PAY_MS,
  notificationSimulatorConfig,
  orderFlowConfig,
  PAYMENT_ATTEMPTS,
  PAYMENT_TASK_TIMEOUT_SECONDS,
  PAYMENT_WINDOW_MS,
  paymentSimulatorConfig,
} from '../../contract/order-flow-settings';

/** The order flow's tunables, read from the environment a deployment (or a test) gives. */

describe('order flow settings', () => {
  it('without settings: 3 pay requests of 3 attempts each', () => {
    expect(orderFlowConfig({})).toEqual({ paymentAttempts: 3, paymentRounds: 3 });
  });

  it('takes 1 to 10 pay requests; an empty value is the default', () => {
    expect(orderFlowConfig({ PAYMENT_ROUNDS: '1' }).paymentRounds).toBe(1);
    expect(orderFlowConfig({ PAYMENT_ROUNDS: '10' }).paymentRounds).toBe(10);
    expect(orderFlowConfig({ PAYMENT_ROUNDS: '' }).paymentRounds).toBe(3);
  });

  it.each(['0', '11', '2.5', 'three', ' '])('refuses PAYMENT_ROUNDS=%j, saying what it wants', (raw) => {
    expect(() => orderFlowConfig({ PAYMENT_ROUNDS: raw })).toThrow(
      `Expected a whole number from 1 to 10, not "${raw}"`,
    );
  });

  it('a pay request holds its seats long enough for every attempt to time out, the backoff between them and a margin', () => {
    // 3 attempts × 10 s, waits of 1 s and 2 s between them, 15 s margin.
    expect(PAYMENT_WINDOW_MS).toBe(PAYMENT_ATTEMPTS * PAYMENT_TASK_TIMEOUT_SECONDS * 1000 + 3_000 + 15_000);
    expect(PAYMENT_WINDOW_MS).toBe(48_000);
    expect(MIN_HOLD_TO_PAY_MS).toBeLessThan(PAYMENT_WINDOW_MS);
  });
});

describe('simulated payment processor settings', () => {
  it('without settings: 15 % declines, 2 s answers, 2 % slow answers that outlast the task timeout, no lost answers', () => {
    const config = paymentSimulatorConfig({});
    expect(config).toEqual({
      declineRate: 0.15,
      latencyMs: 2000,
      slowRate: 0.02,
      slowLatencyMs: 12_000,
      lostAnswerRate: 0,
    });
    expect(config.slowLatencyMs).toBeGreaterThan(PAYMENT_TASK_TIMEOUT_SECONDS * 1000);
  });

  it('reads every setting from the environment', () => {
    expect(
      paymentSimulatorConfig({
        PAYMENT_DECLINE_RATE: '0',
        PAYMENT_LATENCY_MS: '200',
        PAYMENT_SLOW_RATE: '1',
        PAYMENT_SLOW_LATENCY_MS: '0',
        PAYMENT_LOST_ANSWER_RATE: '0.5',
      }),
    ).toEqual({ declineRate: 0, latencyMs: 200, slowRate: 1, slowLatencyMs: 0, lostAnswerRate: 0.5 });
  });

  it.each(['-0.1', '1.01', 'half', 'NaN', 'Infinity'])('refuses a decline rate of %j', (raw) => {
    expect(() => paymentSimulatorConfig({ PAYMENT_DECLINE_RATE: raw })).toThrow(
      `A rate must be between 0 and 1, not "${raw}"`,
    );
  });

  it('refuses latencies beyond their bounds', () => {
    expect(() => paymentSimulatorConfig({ PAYMENT_LATENCY_MS: '60001' })).toThrow('from 0 to 60000');
    expect(() => paymentSimulatorConfig({ PAYMENT_SLOW_LATENCY_MS: '-1' })).toThrow('from 0 to 120000');
  });
});

describe('simulated notification settings', () => {
  it('without settings: 5 % of e-mails and of SMS fail, 200 ms each', () => {
    expect(notificationSimulatorConfig({})).toEqual({ emailFailureRate: 0.05, smsFailureRate: 0.05, latencyMs: 200 });
  });

  it('reads the channels separately', () => {
    expect(
      notificationSimulatorConfig({ EMAIL_FAILURE_RATE: '1', SMS_FAILURE_RATE: '0', NOTIFICATION_LATENCY_MS: '5' }),
    ).toEqual({
      emailFailureRate: 1,
      smsFailureRate: 0,
      latencyMs: 5,
    });
    expect(() => notificationSimulatorConfig({ SMS_FAILURE_RATE: '2' })).toThrow('not "2"');
  });
});
