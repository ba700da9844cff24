import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EventRecord } from '../core/events/event-records';
import { openOrder } from '../core/orders/open-order';
import { ChangeSeatsInput, CreateOrderInput, NoInput, PaymentInput } from '../core/orders/order-input';
import type { BuyerAction } from '../core/orders/order-workflow';
import { actOnOwnOrder, getOwnOrder, getOwnTicket } from '../core/orders/own-order';
import { viewOrder } from '../core/tickets/order-tickets-view';
import { ticketQrPng } from '../core/tickets/ticket-qr';
import { endAdmissionSoldOut } from '../core/waiting-room/admission';
import { activeWaitingRoom } from '../core/waiting-room/settings';
import { admitOrder } from '../core/waiting-room/waiting-room-service';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { type ApiResult, json, png } from './http';
import { buyerOf, eventIdParameter, header, jsonBody, pathParameter } from './request';
import { routeHandler } from './routing';

/**
 * The buyer's orders: create (one open order per buyer and event), read (and a ticket's QR code as
 * a PNG), and pay / change seats /
 * cancel, which go to the order's flow (202: the flow acts, the order shows the outcome).
 */
export function createHandler(platform: Pick<Platform, 'store' | 'workflow' | 'secrets'>) {
  const { secrets } = platform;

  async function act(event: APIGatewayProxyEventV2, action: BuyerAction): Promise<ApiResult> {
    const buyerId = await buyerOf(event, secrets);
    const order = await actOnOwnOrder(platform.store, platform.workflow, {
      orderId: pathParameter(event, 'orderId'),
      buyerId,
      action,
    });
    return json(202, { order: await viewOrder(platform.store, order) });
  }

  return routeHandler({
    'POST /api/events/{eventId}/orders': async (event) => {
      const buyerId = await buyerOf(event, secrets);
      const selection = jsonBody(event, CreateOrderInput);
      const eventId = eventIdParameter(event);
      const admissionToken = header(event, 'x-admission-token');
      const { store, workflow } = platform;
      const admit = async (record: EventRecord, orderId: string) =>
        admitOrder(store, record, { buyerId, orderId, admissionToken }, await secrets.sessionSigningKey());
      // Told SoldOut with nothing left before any order: the buyer's admission (if any) ends.
      const soldOut = async (record: EventRecord, refusal: { available: number }) => {
        const room = activeWaitingRoom(record);
        if (room && refusal.available === 0) await endAdmissionSoldOut(store, record.eventId, room, buyerId);
      };
      const { order, created } = await openOrder(store, workflow, { eventId, buyerId, selection, admit, soldOut });
      return json(created ? 201 : 200, { order: await viewOrder(store, order) });
    },

    'GET /api/orders/{orderId}': async (event) => {
      const order = await getOwnOrder(platform.store, pathParameter(event, 'orderId'), await buyerOf(event, secrets));
      return json(200, { order: await viewOrder(platform.store, order) });
    },

    'GET /api/orders/{orderId}/tickets/{ticketId}/qr': async (event) => {
      const ticket = await getOwnTicket(platform.store, {
        orderId: pathParameter(event, 'orderId'),
        ticketId: pathParameter(event, 'ticketId'),
        buyerId: await buyerOf(event, secrets),
      });
      return png(await ticketQrPng(ticket.token));
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
}

export const handler = fromEnvironment(createHandler);
