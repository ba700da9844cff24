import { describe, expect, it } from 'vitest';
import {
  MIN_HOLD_TO_PAY_MS,
  PAYMENT_ATTEMPTS,
  PAYMENT_TASK_TIMEOUT_SECONDS,
  PAYMENT_WINDOW_MS,
} from '../../contract/order-flow-settings';
import { parseConfig, requireSetting, requireTables } from '../../lambdas/core/platform/config';

/** Every setting a handler reads, parsed from the environment a deployment (or a test) gives. */

const TABLES = {
  EVENTS_TABLE: 'e',
  SEATS_TABLE: 's',
  ORDERS_TABLE: 'o',
  TICKETS_TABLE: 't',
  PAYMENTS_TABLE: 'p',
  BUYERS_TABLE: 'b',
  WAITING_ROOMS_TABLE: 'w',
  CONNECTIONS_TABLE: 'c',
  LIMITS_TABLE: 'l',
};

describe('order flow settings', () => {
  it('without settings: 3 pay requests of 3 attempts each', () => {
    expect(parseConfig({}).orderFlow).toEqual({ paymentAttempts: 3, paymentRounds: 3 });
  });

  it('takes 1 to 10 pay requests; an empty value is the default', () => {
    expect(parseConfig({ PAYMENT_ROUNDS: '1' }).orderFlow.paymentRounds).toBe(1);
    expect(parseConfig({ PAYMENT_ROUNDS: '10' }).orderFlow.paymentRounds).toBe(10);
    expect(parseConfig({ PAYMENT_ROUNDS: '' }).orderFlow.paymentRounds).toBe(3);
  });

  it.each(['0', '11', '2.5', 'three', ' '])('refuses PAYMENT_ROUNDS=%j, saying what it wants', (raw) => {
    expect(() => parseConfig({ PAYMENT_ROUNDS: raw })).toThrow(
      `Invalid configuration: PAYMENT_ROUNDS must be a whole number from 1 to 10, not "${raw}"`,
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
    const config = parseConfig({}).paymentSimulator;
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
      parseConfig({
        PAYMENT_DECLINE_RATE: '0',
        PAYMENT_LATENCY_MS: '200',
        PAYMENT_SLOW_RATE: '1',
        PAYMENT_SLOW_LATENCY_MS: '0',
        PAYMENT_LOST_ANSWER_RATE: '0.5',
      }).paymentSimulator,
    ).toEqual({ declineRate: 0, latencyMs: 200, slowRate: 1, slowLatencyMs: 0, lostAnswerRate: 0.5 });
  });

  it.each(['-0.1', '1.01', 'half', 'NaN', 'Infinity'])('refuses a decline rate of %j', (raw) => {
    expect(() => parseConfig({ PAYMENT_DECLINE_RATE: raw })).toThrow(
      `Invalid configuration: PAYMENT_DECLINE_RATE must be between 0 and 1, not "${raw}"`,
    );
  });

  it('refuses latencies beyond their bounds', () => {
    expect(() => parseConfig({ PAYMENT_LATENCY_MS: '60001' })).toThrow(
      'PAYMENT_LATENCY_MS must be a whole number from 0 to 60000',
    );
    expect(() => parseConfig({ PAYMENT_SLOW_LATENCY_MS: '-1' })).toThrow('from 0 to 120000');
  });

  it('names every wrong value at once', () => {
    expect(() => parseConfig({ PAYMENT_SLOW_RATE: '3', SMS_FAILURE_RATE: '-1' })).toThrow(
      'Invalid configuration: PAYMENT_SLOW_RATE must be between 0 and 1, not "3"; SMS_FAILURE_RATE must be between 0 and 1, not "-1"',
    );
  });
});

describe('simulated notification settings', () => {
  it('without settings: 5 % of e-mails and of SMS fail, 200 ms each', () => {
    expect(parseConfig({}).notificationSimulator).toEqual({
      emailFailureRate: 0.05,
      smsFailureRate: 0.05,
      latencyMs: 200,
    });
  });

  it('reads the channels separately', () => {
    expect(
      parseConfig({ EMAIL_FAILURE_RATE: '1', SMS_FAILURE_RATE: '0', NOTIFICATION_LATENCY_MS: '5' })
        .notificationSimulator,
    ).toEqual({
      emailFailureRate: 1,
      smsFailureRate: 0,
      latencyMs: 5,
    });
    expect(() => parseConfig({ SMS_FAILURE_RATE: '2' })).toThrow('not "2"');
  });
});

describe('tables, endpoints and keys', () => {
  it('reads the table names, the state machine, the @connections endpoint and each key (plain or by ARN)', () => {
    const config = parseConfig({
      ...TABLES,
      ORDER_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:1:stateMachine:orders',
      WEBSOCKET_MANAGEMENT_ENDPOINT: 'https://ws.example/prod',
      SESSION_SIGNING_KEY: 'plain-session-key',
      TICKET_SIGNING_KEY_SECRET_ARN: 'arn:ticket',
      LAMBDA_TASK_ROOT: '/var/task', // anything else in the environment is ignored
    });
    expect(requireTables(config)).toEqual({
      events: 'e',
      seats: 's',
      orders: 'o',
      tickets: 't',
      payments: 'p',
      buyers: 'b',
      waitingRooms: 'w',
      connections: 'c',
      limits: 'l',
    });
    expect(requireSetting(config, 'orderStateMachineArn')).toBe('arn:aws:states:eu-west-1:1:stateMachine:orders');
    expect(requireSetting(config, 'webSocketManagementEndpoint')).toBe('https://ws.example/prod');
    expect(config.secrets).toEqual({
      ADMIN_API_KEY: {},
      EDGE_KEY: {},
      SESSION_SIGNING_KEY: { value: 'plain-session-key' },
      TICKET_SIGNING_KEY: { arn: 'arn:ticket' },
    });
  });

  it('a handler that needs what its environment lacks fails at first use, naming the variable', () => {
    const { SEATS_TABLE: _, ...withoutSeats } = TABLES;
    const config = parseConfig(withoutSeats); // parsing alone is fine: not every handler uses every table
    expect(() => requireTables(config)).toThrow('Missing environment variable SEATS_TABLE');
    expect(() => requireTables(parseConfig({ ...TABLES, ORDERS_TABLE: '' }))).toThrow(
      'Missing environment variable ORDERS_TABLE',
    );
    expect(() => requireSetting(config, 'orderStateMachineArn')).toThrow(
      'Missing environment variable ORDER_STATE_MACHINE_ARN',
    );
    expect(() => requireSetting(config, 'webSocketManagementEndpoint')).toThrow(
      'Missing environment variable WEBSOCKET_MANAGEMENT_ENDPOINT',
    );
  });
});
