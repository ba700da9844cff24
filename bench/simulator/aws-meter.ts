import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The only module of the simulator that touches the AWS SDK.
 *
 * 1. `SdkMeter`: in the process the local stack runs in (stack-child.ts), its handlers' SDK calls are
 *    counted at the client — DynamoDB operations with the capacity DynamoDB Local reports
 *    (`ReturnConsumedCapacity: TOTAL` is added to each call), PostToConnection (WebSocket
 *    messages), and non-empty stream GetRecords (one Lambda invocation each on AWS).
 *    DynamoDB Local reports a transactional item as 1 unit; AWS bills 2, so transactions are
 *    counted as 2 × items. A refused conditional write consumes capacity on AWS but answers
 *    without it: counted as 1 unit per item (2 in a transaction) and marked estimated.
 * 2. `executionCosts`: state transitions and Lambda task invocations of each order's execution,
 *    read from its history through the Step Functions API (locally, the stack's own port).
 */

export interface DynamoOperation {
  calls: number;
  refused: number;
  readUnits: number;
  writeUnits: number;
  /** Units of refused writes (not reported by DynamoDB; AWS bills them). */
  estimatedWriteUnits: number;
}

/** What the meter counted since its last reset: JSON, so a stack in another process can send it. */
export interface MeterSnapshot {
  readonly dynamo: Record<string, DynamoOperation>;
  readonly webSocketPosts: number;
  readonly webSocketPostsGone: number;
  readonly streamBatches: number;
}

/**
 * The SDK counts of the stack a drop runs against, wherever it runs: an SdkMeter in this process
 * (`localMeter`), or the one in a stack's own process (bench/simulator/stack-process.ts).
 */
export interface StackMeter {
  reset(): Promise<void>;
  snapshot(): Promise<MeterSnapshot>;
}

/** Sums of a snapshot's DynamoDB operations. */
export function meterTotals(snapshot: MeterSnapshot): {
  readUnits: number;
  writeUnits: number;
  estimatedWriteUnits: number;
  calls: number;
} {
  let readUnits = 0;
  let writeUnits = 0;
  let estimatedWriteUnits = 0;
  let calls = 0;
  for (const op of Object.values(snapshot.dynamo)) {
    readUnits += op.readUnits;
    writeUnits += op.writeUnits;
    estimatedWriteUnits += op.estimatedWriteUnits;
    calls += op.calls;
  }
  return { readUnits, writeUnits, estimatedWriteUnits, calls };
}

/** An SdkMeter of this process, as a StackMeter. */
export function localMeter(meter: SdkMeter): StackMeter {
  return {
    reset: async () => meter.reset(),
    snapshot: async () => meter.snapshot(),
  };
}

export class SdkMeter {
  readonly dynamo = new Map<string, DynamoOperation>();
  webSocketPosts = 0;
  webSocketPostsGone = 0;
  streamBatches = 0;
  private uninstallers: (() => void)[] = [];

  reset(): void {
    this.dynamo.clear();
    this.webSocketPosts = 0;
    this.webSocketPostsGone = 0;
    this.streamBatches = 0;
  }

  snapshot(): MeterSnapshot {
    return {
      dynamo: Object.fromEntries([...this.dynamo].map(([name, op]) => [name, { ...op }])),
      webSocketPosts: this.webSocketPosts,
      webSocketPostsGone: this.webSocketPostsGone,
      streamBatches: this.streamBatches,
    };
  }

  uninstall(): void {
    for (const undo of this.uninstallers.splice(0)) undo();
  }

  /** Patches `send` of the SDK clients the handlers use (this process only). */
  install(): this {
    type Send = (
      this: unknown,
      command: { input: Record<string, unknown>; constructor: { name: string } },
      ...rest: unknown[]
    ) => Promise<Record<string, unknown>>;
    const patch = (client: { prototype: { send: unknown } }, around: (original: Send) => Send) => {
      const original = client.prototype.send as Send;
      client.prototype.send = around(original);
      this.uninstallers.push(() => (client.prototype.send = original));
    };
    const dynamo = (original: Send): Send => {
      const meter = this;
      return async function (command, ...rest) {
        const name = command.constructor.name.replace(/Command$/, '');
        const op = meter.operation(name);
        command.input.ReturnConsumedCapacity ??= 'TOTAL';
        op.calls += 1;
        try {
          const output = await original.call(this, command, ...rest);
          meter.account(name, command.input, output, op);
          return output;
        } catch (error) {
          const errorName = (error as { name?: string }).name;
          if (errorName === 'ConditionalCheckFailedException') {
            op.refused += 1;
            op.estimatedWriteUnits += 1;
          } else if (errorName === 'TransactionCanceledException') {
            op.refused += 1;
            op.estimatedWriteUnits += 2 * ((command.input.TransactItems as unknown[] | undefined)?.length ?? 1);
          }
          throw error;
        }
      };
    };
    patch(DynamoDBClient, dynamo);
    patch(DynamoDBDocumentClient, dynamo);
    patch(DynamoDBStreamsClient, (original) => {
      const meter = this;
      return async function (command, ...rest) {
        const output = await original.call(this, command, ...rest);
        if (
          command.constructor.name === 'GetRecordsCommand' &&
          ((output.Records as unknown[] | undefined)?.length ?? 0) > 0
        )
          meter.streamBatches += 1;
        return output;
      };
    });
    patch(ApiGatewayManagementApiClient, (original) => {
      const meter = this;
      return async function (command, ...rest) {
        if (command.constructor.name === 'PostToConnectionCommand') meter.webSocketPosts += 1;
        try {
          return await original.call(this, command, ...rest);
        } catch (error) {
          if ((error as { name?: string }).name === 'GoneException') meter.webSocketPostsGone += 1;
          throw error;
        }
      };
    });
    return this;
  }

  private operation(name: string): DynamoOperation {
    let op = this.dynamo.get(name);
    if (!op) {
      op = { calls: 0, refused: 0, readUnits: 0, writeUnits: 0, estimatedWriteUnits: 0 };
      this.dynamo.set(name, op);
    }
    return op;
  }

  private account(
    name: string,
    input: Record<string, unknown>,
    output: Record<string, unknown>,
    op: DynamoOperation,
  ): void {
    const consumed = output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
    const reported = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
      (sum, c) => sum + (c.CapacityUnits ?? 0),
      0,
    );
    const items = (input.TransactItems as unknown[] | undefined)?.length ?? 0;
    if (name === 'TransactWriteItems') op.writeUnits += 2 * items;
    else if (name === 'TransactGetItems') op.readUnits += 2 * items;
    else if (/^(Put|Update|Delete|BatchWrite)(Item)?$/.test(name)) op.writeUnits += reported;
    else op.readUnits += reported;
  }
}

export interface ExecutionCost {
  readonly orderId: string;
  readonly status: string;
  readonly transitions: number;
  readonly lambdaInvocations: number;
}

export function executionArnOf(stateMachineArn: string, orderId: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
}

/** Waits (≤ 15 s) for each execution to end, then counts its states entered and Lambda tasks scheduled. */
export async function executionCosts(
  endpoint: string | undefined,
  stateMachineArn: string,
  orderIds: readonly string[],
): Promise<ExecutionCost[]> {
  const sfn = new SFNClient(
    endpoint ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
  );
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
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
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
  const sfn = new SFNClient(
    endpoint ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
  );
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
