import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';

/**
 * The orders' executions as the Step Functions API tells them (locally, the stack's own port; on
 * AWS, the account's): each one's state transitions and Lambda tasks, its history, and which still
 * run. With aws-meter.ts, the only modules of the simulator that touch the AWS SDK.
 */

export interface ExecutionCost {
  readonly orderId: string;
  readonly status: string;
  readonly transitions: number;
  readonly lambdaInvocations: number;
}

export function executionArnOf(stateMachineArn: string, orderId: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
}

/** The Step Functions API: the local stack's (any credentials) at `endpoint`, else AWS's from the environment. */
export function stepFunctionsClient(endpoint: string | undefined): SFNClient {
  return new SFNClient(
    endpoint ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
  );
}

/** An execution's whole history, page by page. */
export async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Waits (≤ 15 s) for each execution to end, then counts its states entered and Lambda tasks scheduled. */
export async function executionCosts(
  endpoint: string | undefined,
  stateMachineArn: string,
  orderIds: readonly string[],
): Promise<ExecutionCost[]> {
  const sfn = stepFunctionsClient(endpoint);
  const costs: ExecutionCost[] = [];
  const queue = [...orderIds];
  const worker = async () => {
    for (let orderId = queue.shift(); orderId !== undefined; orderId = queue.shift()) {
      const executionArn = executionArnOf(stateMachineArn, orderId);
      let status = 'RUNNING';
      for (const deadline = Date.now() + 15_000; status === 'RUNNING' && Date.now() < deadline; ) {
        status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'UNKNOWN';
        if (status === 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const events = await executionHistory(sfn, executionArn);
      costs.push({
        orderId,
        status,
        transitions: events.filter((e) => e.type?.endsWith('StateEntered')).length,
        lambdaInvocations: events.filter(
          (e) =>
            e.type === 'LambdaFunctionScheduled' ||
            (e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'lambda'),
        ).length,
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  sfn.destroy();
  return costs;
}

/** How many of these orders' executions still run (ListExecutions RUNNING, matched by name = order id). */
export async function runningExecutionsOf(
  endpoint: string | undefined,
  stateMachineArn: string,
  orderIds: readonly string[],
): Promise<number> {
  const sfn = stepFunctionsClient(endpoint);
  try {
    const wanted = new Set(orderIds);
    let running = 0;
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', nextToken, maxResults: 1000 }),
      );
      running += (page.executions ?? []).filter((e) => e.name !== undefined && wanted.has(e.name)).length;
      nextToken = page.nextToken;
    } while (nextToken);
    return running;
  } finally {
    sfn.destroy();
  }
}
