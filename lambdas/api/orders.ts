import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EventRecord } from '../core/events/event-records';
import { openOrder } from '../core/orders/open-order';
import { ChangeSeatsInput, CreateOrderInput, NoInput, PaymentInput } from '../core/orders/order-input';
import { toOrderView } from '../core/orders/order-record';
import { type BuyerAction, workflowFromEnv } from '../core/orders/order-workflow';
import { actOnOwnOrder, getOwnOrder } from '../core/orders/own-order';
import { storeFromEnv } from '../core/platform/store';
import { admitOrder } from '../core/waiting-room/waiting-room-service';
import { type ApiResult, json } from './http';
import { buyerOf, eventIdParameter, header, jsonBody, pathParameter, requiredEnv } from './request';
import { routeHandler } from './routing';

/**
 * The buyer's orders: create (one open order per buyer and event), read, and pay / change seats /
 * cancel, which go to the order's flow (202: the flow acts, the order shows the outcome).
 */
const store = storeFromEnv();
const workflow = workflowFromEnv();

async function act(event: APIGatewayProxyEventV2, action: BuyerAction): Promise<ApiResult> {
  const buyerId = await buyerOf(event);
  const order = await actOnOwnOrder(store, workflow, { orderId: pathParameter(event, 'orderId'), buyerId, action });
  return json(202, { order: toOrderView(order) });
}

export const handler = routeHandler({
  'POST /api/events/{eventId}/orders': async (event) => {
    const buyerId = await buyerOf(event);
    const selection = jsonBody(event, CreateOrderInput);
    const eventId = eventIdParameter(event);
    const admissionToken = header(event, 'x-admission-token');
    const admit = (record: EventRecord, orderId: string) =>
      admitOrder(store, record, { buyerId, orderId, admissionToken }, requiredEnv('SESSION_SIGNING_KEY'));
    const { order, created } = await openOrder(store, workflow, { eventId, buyerId, selection, admit });
    return json(created ? 201 : 200, { order: toOrderView(order) });
  },

  'GET /api/orders/{orderId}': async (event) => {
    const order = await getOwnOrder(store, pathParameter(event, 'orderId'), await buyerOf(event));
    return json(200, { order: toOrderView(order) });
  },

  'PUT /api/orders/{orderId}/seats': async (event) => {
    const { seatIds } = jsonBody(event, ChangeSeatsInput);
    return act(event, { action: 'change', seatIds });
  },

  'POST /api/orders/{orderId}/payment': async (event) => {
    const { code } = jsonBody(event, PaymentInput);
    return act(event, { action: 'pay', code });
  },

  'POST /api/orders/{orderId}/cancel': async (event) => {
    jsonBody(event, NoInput);
    return act(event, { action: 'cancel' });
  },
});
