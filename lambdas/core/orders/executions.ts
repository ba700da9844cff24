import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  type SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';

/** What operators need of the order state machine's executions (AWS's or the local stack's API). */

export interface ExecutionSummary {
  readonly executionArn: string;
  readonly status: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly error?: string;
  readonly cause?: string;
}

export interface Executions {
  /** The execution of an order (named after it); undefined when there is none. */
  describe(orderId: string): Promise<ExecutionSummary | undefined>;
  /** The full history, oldest first. */
  history(orderId: string): Promise<HistoryEvent[]>;
  running(): Promise<ExecutionSummary[]>;
  /** Aborts a running execution (the flow stops acting on the order); false when it was not running. */
  stop(orderId: string, cause: string): Promise<boolean>;
}

export function stepFunctionsExecutions(client: SFNClient, stateMachineArn: string): Executions {
  const arnOf = (orderId: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  const describe = async (orderId: string): Promise<ExecutionSummary | undefined> => {
    try {
      const e = await client.send(new DescribeExecutionCommand({ executionArn: arnOf(orderId) }));
      return {
        executionArn: e.executionArn!,
        status: e.status!,
        startDate: e.startDate,
        stopDate: e.stopDate,
        error: e.error,
        cause: e.cause,
      };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist || (error as Error).name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
  };
  return {
    describe,
    async history(orderId) {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new GetExecutionHistoryCommand({
            executionArn: arnOf(orderId),
            nextToken,
            maxResults: 1000,
            includeExecutionData: false,
          }),
        );
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return events;
    },
    async running() {
      const found: ExecutionSummary[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', nextToken }),
        );
        found.push(
          ...(page.executions ?? []).map((e) => ({
            executionArn: e.executionArn!,
            status: e.status!,
            startDate: e.startDate,
          })),
        );
        nextToken = page.nextToken;
      } while (nextToken);
      return found;
    },
    async stop(orderId, cause) {
      const execution = await describe(orderId);
      if (execution?.status !== 'RUNNING') return false;
      await client.send(
        new StopExecutionCommand({ executionArn: execution.executionArn, error: 'OperatorStopped', cause }),
      );
      return true;
    },
  };
}

/** The order id of an execution ARN (executions are named after their order). */
export function orderIdOfExecution(executionArn: string): string {
  return executionArn.slice(executionArn.lastIndexOf(':') + 1);
}
