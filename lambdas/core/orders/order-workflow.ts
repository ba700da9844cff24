import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { HoldExpired } from '../platform/errors';
import type { OrderRecord } from './order-record';

/** What the buyer asks the waiting order flow to do. */
export type BuyerAction =
  | { readonly action: 'pay'; readonly code: string }
  | { readonly action: 'change'; readonly seatIds: readonly string[] }
  | { readonly action: 'cancel' };

/**
 * What the steps after a pay request need of the order, handed to the flow with the pay action
 * (it lands on the state at `$.buyer.order`), so no step after it reads the order again. Taken
 * from the very write that accepted the pay request: while PAYING, none of it can change (seats
 * cannot be changed, the intent is that write's). Small (well under Step Functions' 256 KB) and
 * no secret: the payment code is the action's own field, the task token is not in it.
 */
export type PaidOrder = Pick<OrderRecord, 'eventId' | 'buyerId' | 'seatIds' | 'currency'> & {
  readonly intent: NonNullable<OrderRecord['payment']['intent']>;
};

/** What the flow waiting for the buyer is resumed with: the buyer's action, a pay action with its order. */
export type FlowResumption =
  | Exclude<BuyerAction, { readonly action: 'pay' }>
  | (Extract<BuyerAction, { readonly action: 'pay' }> & { readonly order?: PaidOrder });

/** The paid order's facts from the order record and the intent its pay request wrote. */
export function paidOrderOf(order: OrderRecord, intent: PaidOrder['intent']): PaidOrder {
  return { eventId: order.eventId, buyerId: order.buyerId, seatIds: order.seatIds, currency: order.currency, intent };
}

/** The order state machine's input; the steps read the rest from the order, or from the pay action. */
export interface OrderFlowInput {
  readonly orderId: string;
  readonly eventId: string;
  /** Seconds the flow waits for the buyer: the time left on the hold. */
  readonly hold: { readonly waitSeconds: number };
}

/** The order flow as the domain needs it, so the domain does not depend on Step Functions. */
export interface OrderWorkflow {
  /** Starts the flow for an order; starting it again is harmless. Returns the execution ARN. */
  start(input: OrderFlowInput): Promise<string>;
  /** Resumes the flow waiting on `taskToken`; HoldExpired if it no longer waits (timed out). */
  resume(taskToken: string, action: FlowResumption): Promise<void>;
  /** Whether the order's flow is still running (false when it ended or never existed). */
  isRunning(orderId: string): Promise<boolean>;
}

/** Whole seconds until the hold lapses, at least 1 (a Task timeout must be positive). */
export function waitSecondsUntil(holdExpiresAt: number, now: number): number {
  return Math.max(1, Math.ceil((holdExpiresAt - now) / 1000));
}

/**
 * The order flow on AWS Step Functions (or any endpoint that speaks its API, e.g. the local one).
 * The execution is named after the order, so two starts can never make two executions.
 */
export function stepFunctionsWorkflow(client: SFNClient, stateMachineArn: string): OrderWorkflow {
  const executionArnOf = (orderId: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  return {
    async start(input) {
      const executionArn = executionArnOf(input.orderId);
      try {
        const started = await client.send(
          new StartExecutionCommand({ stateMachineArn, name: input.orderId, input: JSON.stringify(input) }),
        );
        return started.executionArn ?? executionArn;
      } catch (error) {
        // Started before (with other timing in its input): the order already has its one flow.
        if (error instanceof ExecutionAlreadyExists) return executionArn;
        throw error;
      }
    },
    async resume(taskToken, action) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(action) }));
      } catch (error) {
        if (error instanceof TaskTimedOut || error instanceof InvalidToken) throw new HoldExpired([]);
        throw error;
      }
    },
    async isRunning(orderId) {
      try {
        const execution = await client.send(new DescribeExecutionCommand({ executionArn: executionArnOf(orderId) }));
        return execution.status === 'RUNNING';
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return false;
        throw error;
      }
    },
  };
}
