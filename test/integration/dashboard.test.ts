import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardView } from '../../contract/dashboard-view';
import type { DashboardMessage, LiveMessage } from '../../contract/live-messages';
import type { OrderView } from '../../contract/order-view';
import { createSession } from '../../lambdas/core/access/buyer-sessions';
import { createDoorCredential } from '../../lambdas/core/access/staff-credentials';
import type { Store } from '../../lambdas/core/platform/store';
import { readDashboard } from '../../lambdas/core/reports/event-dashboard';
import type { LocalStack } from '../../local/local-stack';
import { adminCreateEvent, buyConfirmed, call, newBuyer, startApiStack, TEST_SESSION_KEY } from '../support/api-client';
import { LiveClient } from '../support/live-client';

/**
 * The organizer's live dashboard on the local stack (real handlers, DynamoDB Local, streams):
 * the operator route and its authorization, and the push over the WebSocket to operator sockets
 * only — a purchase reaches the operator's socket as a `dashboard` message with one more sold.
 */

const isDashboard = (m: LiveMessage): m is DashboardMessage => m.type === 'dashboard';

describe('the live dashboard', () => {
  let stack: LocalStack;
  let eventId: string;
  let operator: string;
  const sockets: LiveClient[] = [];
  const open = async (query: string) => {
    const socket = await LiveClient.connect(`${stack.webSocketUrl}${query}`);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    stack = await startApiStack();
    eventId = await adminCreateEvent(stack, {
      eventId: 'dash-event',
      name: 'Dashboard',
      rows: 2,
      seatsPerRow: 5,
      priceCents: 2500,
    });
    const signIn = await call<{ token: string }>(stack, 'POST', '/api/admin/sessions', {
      body: { adminKey: stack.adminKey },
    });
    operator = signIn.body.token;
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await stack?.stop();
  });

  const dashboard = (token?: string, forEvent = eventId) =>
    call<{ dashboard: DashboardView; error?: { code: string } }>(
      stack,
      'GET',
      `/api/admin/events/${forEvent}/dashboard`,
      token === undefined ? {} : { token },
    );

  async function buy(seatIds: string[]): Promise<OrderView> {
    return (await buyConfirmed(stack, eventId, seatIds, (o) => o.status === 'CONFIRMED')).order;
  }

  it('is an operator route: a buyer session or a door credential is 403, none 401, an unknown event 404', async () => {
    const buyer = await newBuyer(stack);
    expect((await dashboard(buyer.token)).status).toBe(403);
    const door = await createDoorCredential(TEST_SESSION_KEY, { eventId, door: 'North' });
    expect((await dashboard(door.token)).status).toBe(403);
    expect((await dashboard()).status).toBe(401);
    const unknown = await dashboard(operator, 'no-such-event');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('EventNotFound');
  });

  it('answers the figures of a new event', async () => {
    const { status, body } = await dashboard(operator);
    expect(status).toBe(200);
    expect(body.dashboard).toMatchObject({
      eventId,
      name: 'Dashboard',
      seats: { total: 10, free: 10, held: 0, sold: 0 },
      revenue: { grossCents: 0, refundedCents: 0, netCents: 0 },
      ordersByStatus: { CONFIRMED: 0, HOLDING: 0 },
      payments: { approved: 0, declined: 0, retrying: 0 },
      attention: [],
    });
    expect(body.dashboard.sales.tickets).toHaveLength(60);
    expect(body.dashboard.waitingRoom).toBeUndefined();
  });

  it('a buyer’s or anonymous socket cannot watch a dashboard; a door credential cannot connect as staff', async () => {
    const buyerSession = await createSession(stack.sessionSigningKey);
    const buyerSocket = await open(`?token=${buyerSession.token}`);
    buyerSocket.send({ action: 'subscribe', eventId, view: 'dashboard' });
    const refused = await buyerSocket.next(
      (m): m is Extract<LiveMessage, { type: 'error' }> => m.type === 'error',
      'a refusal',
    );
    expect(refused.code).toBe('Forbidden');
    const anonymous = await open('');
    anonymous.send({ action: 'subscribe', eventId, view: 'dashboard' });
    expect(
      (await anonymous.next((m): m is Extract<LiveMessage, { type: 'error' }> => m.type === 'error', 'a refusal')).code,
    ).toBe('Forbidden');
    const door = await createDoorCredential(TEST_SESSION_KEY, { eventId, door: 'North' });
    await expect(LiveClient.connect(`${stack.webSocketUrl}?staff=${door.token}`)).rejects.toMatchObject({
      status: 403,
    });
    await expect(LiveClient.connect(`${stack.webSocketUrl}?staff=${buyerSession.token}`)).rejects.toMatchObject({
      status: 401,
    });
    // Watching the event's seats, they get no dashboard through a purchase (checked below).
    buyerSocket.send({ action: 'subscribe', eventId });
    sockets.push(buyerSocket);
  });

  it('a purchase reaches the operator socket as a dashboard message with one more sold', async () => {
    const operatorSocket = await open(`?staff=${operator}`);
    operatorSocket.send({ action: 'subscribe', eventId, view: 'dashboard' });
    await operatorSocket.next(
      (m): m is Extract<LiveMessage, { type: 'subscribed' }> =>
        m.type === 'subscribed' && m.eventId === eventId && m.view === 'dashboard',
      'the dashboard subscription',
    );
    // What the page does after the answer: read the figures once, then follow the pushes.
    const before = (await dashboard(operator)).body.dashboard;
    const order = await buy(['A1', 'A2']);
    const pushed = await operatorSocket.next(
      (m): m is DashboardMessage =>
        isDashboard(m) &&
        m.dashboard.seats.sold === before.seats.sold + 2 &&
        m.dashboard.ordersByStatus.CONFIRMED === before.ordersByStatus.CONFIRMED + 1,
      'a dashboard with the purchase',
    );
    expect(pushed.dashboard).toMatchObject({
      eventId,
      seats: { total: 10, held: 0 },
      revenue: { grossCents: before.revenue.grossCents + order.amountCents },
      payments: { approved: before.payments.approved + 1 },
    });
    expect(pushed.dashboard.sales.tickets.reduce((a, b) => a + b, 0)).toBe(2);
    // Buyers' and anonymous sockets never got one.
    for (const socket of sockets.filter((s) => s !== operatorSocket))
      expect(socket.messages.some(isDashboard)).toBe(false);
  });

  it('one read costs the event, the live map item, one index query and one batch read per 100 orders — no seat items', async () => {
    const counts = new Map<string, number>();
    const counting: Store = {
      ...stack.store,
      doc: {
        send: (command: { constructor: { name: string } }) => {
          counts.set(command.constructor.name, (counts.get(command.constructor.name) ?? 0) + 1);
          return stack.store.doc.send(command as never);
        },
      } as unknown as Store['doc'],
    };
    const view = await readDashboard(counting, eventId);
    expect(view.ordersByStatus.CONFIRMED).toBeGreaterThan(0);
    // The event twice (the dashboard's and the orders report's not-found check), the map once.
    expect(Object.fromEntries(counts)).toEqual({ GetCommand: 3, QueryCommand: 1, BatchGetCommand: 1 });
  });
});
