import { describe, expect, it } from 'vitest';
import {
  ChangeSeatsInput,
  CreateOrderInput,
  MAX_SEATS_PER_REQUEST,
  NoInput,
  OrderListQuery,
  PaymentInput,
} from '../../lambdas/core/orders/order-input';
import { ValidationFailed } from '../../lambdas/core/platform/errors';
import { parseInput } from '../../lambdas/core/platform/input';

/** What a buyer may send about orders, and how a refusal reads. */

const issuesOf = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailed) return error.issues;
    throw error;
  }
  throw new Error('accepted');
};

describe('creating an order', () => {
  it('takes chosen seats or a quantity (best available) as the selection', () => {
    expect(parseInput(CreateOrderInput, { seatIds: ['A1', 'A2'] })).toEqual({ seatIds: ['A1', 'A2'] });
    expect(parseInput(CreateOrderInput, { quantity: 2 })).toEqual({ quantity: 2 });
  });

  it('wants exactly one of the two', () => {
    expect(issuesOf(() => parseInput(CreateOrderInput, { seatIds: ['A1'], quantity: 1 }))).toEqual([
      'body: give either seatIds or quantity (best available), not both',
    ]);
    expect(issuesOf(() => parseInput(CreateOrderInput, {}))).toEqual([
      'body: give either seatIds or quantity (best available), not both',
    ]);
  });

  it(`refuses no seat, more than ${MAX_SEATS_PER_REQUEST} seats, an empty seat id and a fractional quantity`, () => {
    expect(issuesOf(() => parseInput(CreateOrderInput, { seatIds: [] }))).toEqual([
      'body.seatIds: choose at least one seat',
    ]);
    const tooMany = Array.from({ length: MAX_SEATS_PER_REQUEST + 1 }, (_, i) => `A${i + 1}`);
    expect(issuesOf(() => parseInput(CreateOrderInput, { seatIds: tooMany }))[0]).toMatch(/^body\.seatIds: /);
    expect(parseInput(CreateOrderInput, { seatIds: tooMany.slice(0, MAX_SEATS_PER_REQUEST) })).toMatchObject({
      seatIds: expect.any(Array),
    });
    expect(issuesOf(() => parseInput(CreateOrderInput, { seatIds: [''] }))[0]).toMatch(/^body\.seatIds\.0: /);
    expect(issuesOf(() => parseInput(CreateOrderInput, { quantity: 1.5 }))[0]).toMatch(/^body\.quantity: /);
    expect(issuesOf(() => parseInput(CreateOrderInput, { quantity: 0 }))[0]).toMatch(/^body\.quantity: /);
  });

  it('refuses unknown fields instead of ignoring them', () => {
    expect(issuesOf(() => parseInput(CreateOrderInput, { quantity: 1, vip: true }))[0]).toMatch(/^body: .*vip/);
  });

  it('refuses a body that is not an object', () => {
    expect(issuesOf(() => parseInput(CreateOrderInput, 'A1'))).toHaveLength(1);
    expect(issuesOf(() => parseInput(CreateOrderInput, null))).toHaveLength(1);
  });
});

describe('other order requests', () => {
  it('a change of seats takes seat ids only', () => {
    expect(parseInput(ChangeSeatsInput, { seatIds: ['B1'] })).toEqual({ seatIds: ['B1'] });
    expect(issuesOf(() => parseInput(ChangeSeatsInput, { quantity: 1 })).join('\n')).toMatch(/body\.seatIds: /);
  });

  it('a payment code has exactly 5 digits', () => {
    expect(parseInput(PaymentInput, { code: '01234' })).toEqual({ code: '01234' });
    for (const code of ['1234', '123456', '1234a', 12345])
      expect(issuesOf(() => parseInput(PaymentInput, { code }))[0]).toMatch(/^body\.code: /);
    expect(issuesOf(() => parseInput(PaymentInput, { code: '1234' }))).toEqual([
      'body.code: the payment code has exactly 5 digits',
    ]);
  });

  it('routes without a body take none or {}, nothing more', () => {
    expect(parseInput(NoInput, {})).toEqual({});
    expect(issuesOf(() => parseInput(NoInput, { reason: 'changed my mind' }))).toHaveLength(1);
  });

  it('the order list is all orders unless asked for the open ones; names the query, not the body', () => {
    expect(parseInput(OrderListQuery, {}, 'query')).toEqual({ status: 'all' });
    expect(parseInput(OrderListQuery, { status: 'open' }, 'query')).toEqual({ status: 'open' });
    expect(issuesOf(() => parseInput(OrderListQuery, { status: 'closed' }, 'query'))[0]).toMatch(/^query\.status: /);
  });
});

describe('parseInput', () => {
  it('reports every problem at once, each as "where: what"', () => {
    const issues = issuesOf(() => parseInput(ChangeSeatsInput, { seatIds: ['', 'x'.repeat(17)], extra: 1 }));
    expect(issues).toHaveLength(3);
    expect(issues.some((i) => i.startsWith('body.seatIds.0: '))).toBe(true);
    expect(issues.some((i) => i.startsWith('body.seatIds.1: '))).toBe(true);
    expect(issues.some((i) => i.startsWith('body: ') && i.includes('extra'))).toBe(true);
  });

  it('throws a ValidationFailed whose message lists the issues', () => {
    expect(() => parseInput(PaymentInput, {})).toThrow(ValidationFailed);
    expect(() => parseInput(PaymentInput, {})).toThrow(/^Invalid input: body\.code: /);
  });
});
