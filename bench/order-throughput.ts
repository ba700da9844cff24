/**
 * Orders completed per second through the local order state machine (npm run bench:orders):
 * create (hold) → pay → confirm → tickets → notifications, with zero payment and notification
 * delay, so the numbers measure the flow itself: DynamoDB Local, the step handlers and the local
 * Step Functions service. Also counts state transitions per order from the execution history.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { createEvent } from '../lambdas/core/events/create-event';
import { submitBuyerAction } from '../lambdas/core/orders/buyer-action';
import { createOrder } from '../lambdas/core/orders/create-order';
import { seatIdsOf } from '../lambdas/core/seats/seat-ids';
import { type LocalStack, startLocalStack } from '../local/local-stack';
import { machineDescription, percentile, printTable, runPool } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ORDERS = 400;
const CONCURRENCY = 40;

async function waitForEnd(stack: LocalStack, executionArn: string): Promise<string> {
  for (;;) {
    const { status } = await stack.stepFunctions.describeExecution({ executionArn });
    if (status !== 'RUNNING') return status!;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function transitions(stack: LocalStack, executionArn: string): Promise<number> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stack.stepFunctions.getExecutionHistory({ executionArn, nextToken });
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events.filter((e) => e.type?.endsWith('StateEntered')).length;
}

async function main() {
  const stack = await startLocalStack({
    port: 0,
    environment: {
      PAYMENT_LATENCY_MS: '0',
      PAYMENT_DECLINE_RATE: '0',
      PAYMENT_SLOW_RATE: '0',
      NOTIFICATION_LATENCY_MS: '0',
      EMAIL_FAILURE_RATE: '0',
      SMS_FAILURE_RATE: '0',
    },
  });
  try {
    const rows = 20;
    const seatsPerRow = ORDERS / rows;
    await createEvent(stack.store, {
      eventId: 'bench-orders',
      name: 'Bench',
      rows,
      seatsPerRow,
      priceCents: 100,
      maxSeatsPerOrder: 1,
    });
    const seats = seatIdsOf(rows, seatsPerRow);
    const buy = async (i: number, code: string) => {
      const order = await createOrder(stack.store, stack.workflow, {
        eventId: 'bench-orders',
        buyerId: `b${i}`,
        selection: { seatIds: [seats[i]!] },
      });
      await submitBuyerAction(stack.store, stack.workflow, {
        orderId: order.orderId,
        buyerId: `b${i}`,
        action: { action: 'pay', code },
      });
      const status = await waitForEnd(stack, order.executionArn!);
      if (status !== 'SUCCEEDED') throw new Error(`order ${order.orderId} ended ${status}`);
      return order.executionArn!;
    };

    await runPool(20, 10, (i) => buy(ORDERS - 1 - i, '11111')); // warm-up: JIT, handler modules
    const run = await runPool(ORDERS - 40, CONCURRENCY, (i) => buy(i, '11111'));
    const completed = run.results.filter((r) => r.status === 'fulfilled');
    const happyArn = (completed[0] as PromiseFulfilledResult<string>).value;
    const declineOnceArn = await buy(ORDERS - 21, '22222');

    console.log(`\nOrders through the local order state machine, zero payment delay, concurrency ${CONCURRENCY}`);
    console.log(`${new Date().toISOString().slice(0, 10)} · ${machineDescription()}\n`);
    printTable([
      {
        orders: ORDERS - 40,
        completed: completed.length,
        seconds: run.seconds,
        'orders/s': completed.length / run.seconds,
        'p50 ms': percentile(run.latenciesMs, 50),
        'p99 ms': percentile(run.latenciesMs, 99),
      },
    ]);
    console.log('\nState transitions per order (states entered, from the execution history):\n');
    printTable([
      { path: 'happy (pay once)', transitions: await transitions(stack, happyArn) },
      { path: 'declined once, then approved (retry)', transitions: await transitions(stack, declineOnceArn) },
    ]);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
