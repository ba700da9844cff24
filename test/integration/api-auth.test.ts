import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../lambdas/core/access/buyer-sessions';
import { getOrder } from '../../lambdas/core/orders/order-store';
import type { LocalStack } from '../../local/local-stack';
import {
  adminCreateEvent,
  type Buyer,
  call,
  createOrderFor,
  getOrderOf,
  newBuyer,
  startApiStack,
  TEST_SESSION_KEY,
} from '../support/api-client';
import { eventually } from '../support/eventually';

/** Sessions and credentials over HTTP: who may call what, and nobody acts on someone else's order. */
describe('API authentication and ownership', () => {
  let stack: LocalStack;
  let eventId: string;

  beforeAll(async () => {
    stack = await startApiStack();
    eventId = await adminCreateEvent(stack, {
      eventId: 'auth-event',
      name: 'Auth',
      rows: 2,
      seatsPerRow: 5,
      priceCents: 1000,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('issues a 24 h session for an anonymous buyer', async () => {
    const before = Date.now();
    const { status, body } = await call<{ buyerId: string; token: string; expiresAt: number }>(
      stack,
      'POST',
      '/api/sessions',
    );
    expect(status).toBe(201);
    expect(body.buyerId).toMatch(/^buy_[0-9a-f-]{36}$/);
    expect(body.token.split('.')).toHaveLength(3);
    expect(body.expiresAt).toBeGreaterThanOrEqual(before + 24 * 3600_000 - 1000);
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
  });

  describe('buyer routes refuse a missing or bad session (401 Unauthorized)', async () => {
    const real = await createSession(TEST_SESSION_KEY);
    const forged = await createSession('another-key-that-is-long-enough-0123456789');
    const expired = await createSession(TEST_SESSION_KEY, Date.now() - 25 * 3600_000);
    const [header, payload] = real.token.split('.');
    const cases: [string, Record<string, string>][] = [
      ['no token', {}],
      ['forged token (other key)', { authorization: `Bearer ${forged.token}` }],
      ['expired token', { authorization: `Bearer ${expired.token}` }],
      ['token without signature', { authorization: `Bearer ${header}.${payload}.` }],
      [
        'unsigned token (alg none)',
        { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.` },
      ],
      ['not a bearer token', { authorization: `Basic ${real.token}` }],
      ['garbage', { authorization: 'Bearer not-a-jwt' }],
    ];
    it.each(cases)('%s', async (_, headers) => {
      const create = await call(stack, 'POST', `/api/events/${eventId}/orders`, { headers, body: { quantity: 1 } });
      expect(create.status).toBe(401);
      expect(create.body).toMatchObject({ error: { code: 'Unauthorized' } });
      const read = await call(stack, 'GET', '/api/orders/ord_00000000-0000-0000-0000-000000000000', { headers });
      expect(read.status).toBe(401);
    });
  });

  describe("buyer B cannot see or touch buyer A's order", () => {
    let a: Buyer;
    let b: Buyer;
    let orderId: string;

    beforeAll(async () => {
      [a, b] = await Promise.all([newBuyer(stack), newBuyer(stack)]);
      const created = await createOrderFor(stack, a, eventId, { seatIds: ['A1', 'A2'] });
      expect(created.status).toBe(201);
      orderId = created.body.order.orderId;
      // The flow's first step writes the order too (it stores its task token): let it settle,
      // so "unchanged" below compares versions the flow itself no longer moves.
      await waitForFlowToWait(orderId);
    });

    async function waitForFlowToWait(id: string): Promise<void> {
      await eventually(async () => {
        if (!(await getOrder(stack.store, id)).taskToken) throw new Error('The order flow never waited for the buyer');
      });
    }

    const attempts: [string, string, string, unknown][] = [
      ['read', 'GET', '', undefined],
      ['pay', 'POST', '/payment', { code: '11111' }],
      ['change seats', 'PUT', '/seats', { seatIds: ['B1'] }],
      ['cancel', 'POST', '/cancel', undefined],
    ];
    it.each(attempts)('%s → 404 OrderNotFound, and the order is unchanged', async (_, method, suffix, body) => {
      const before = (await getOrderOf(stack, a, orderId)).body.order;
      const response = await call(stack, method, `/api/orders/${orderId}${suffix}`, { token: b.token, body });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ error: { code: 'OrderNotFound' } });
      const after = (await getOrderOf(stack, a, orderId)).body.order;
      expect(after).toEqual(before);
      expect(after).toMatchObject({ status: 'HOLDING', seatIds: ['A1', 'A2'] });
    });

    it("the owner's view never shows task token, execution or charge ids", async () => {
      const { text } = await getOrderOf(stack, a, orderId);
      expect(text).not.toMatch(/taskToken|executionArn|chargeId|buyerId/);
    });
  });

  describe('admin routes need the admin key (or an operator session: api-console.test.ts)', () => {
    const adminCalls: [string, string, unknown][] = [
      ['POST', '/api/events', { name: 'Nope', rows: 1, seatsPerRow: 1, priceCents: 1 }],
      ['GET', '/api/admin/events/auth-event/tickets', undefined],
      ['GET', '/api/admin/events/auth-event/orders?status=all', undefined],
    ];
    it.each(adminCalls)(
      '%s %s: no key, a wrong key → 401; a buyer token → 403; the key → 2xx',
      async (method, path, body) => {
        const buyer = await newBuyer(stack);
        for (const options of [{}, { adminKey: 'wrong' }, { adminKey: `${stack.adminKey}x` }, { adminKey: '' }]) {
          const response = await call(stack, method, path, { ...options, body });
          expect(response.status).toBe(401);
          expect(response.body).toMatchObject({ error: { code: 'Unauthorized' } });
        }
        // A valid buyer session is a known caller without the right.
        const buyerCall = await call(stack, method, path, { token: buyer.token, body });
        expect(buyerCall.status).toBe(403);
        expect(buyerCall.body).toMatchObject({ error: { code: 'Forbidden' } });
        const allowed = await call(stack, method, path, { adminKey: stack.adminKey, body });
        expect([200, 201]).toContain(allowed.status);
      },
    );
  });
});
