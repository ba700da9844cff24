import { completeOrder, type NotificationOutcome } from '../core/orders/steps/fulfilment-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { type AfterPayInput, stepHandler } from './step-handler';

/**
 * The flow's whole state comes in: `charge` (ChargePayment's answer) is there only when that step
 * charged — after RecordPaymentFailure found the charge instead, it is already on the order.
 */
interface CompleteOrderInput extends AfterPayInput {
  readonly notifications: NotificationOutcome[];
  readonly charge?: { readonly chargeId: string };
}

export function createHandler(platform: Pick<Platform, 'store' | 'processor'>) {
  return stepHandler('CompleteOrder', (input: CompleteOrderInput) =>
    completeOrder(platform.store, platform.processor, {
      orderId: input.orderId,
      notifications: input.notifications,
      ...(input.charge ? { charge: input.charge } : {}),
      ...(input.buyer?.order ? { paid: input.buyer.order } : {}),
    }),
  );
}

export const handler = fromEnvironment(createHandler);
