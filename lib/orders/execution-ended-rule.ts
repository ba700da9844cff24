import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ENDED_EXECUTION_STATUSES, EXECUTION_STATUS_CHANGE } from '../../contract/execution-status';
import { EXECUTION_ENDED_ENTRY } from '../../contract/handler-entries';
import type { DataTables } from '../constructs/data-tables';
import { streamDeadLetterQueue } from '../constructs/dead-letter-queue';
import { NodeHandler } from '../constructs/node-handler';
import type { Stage } from '../stage';

export interface ExecutionEndedRuleProps {
  readonly stage: Stage;
  readonly tables: DataTables;
  readonly stateMachine: sfn.IStateMachine;
}

export { EXECUTION_ENDED_ENTRY };

/**
 * Executions of the order flow that end FAILED, TIMED_OUT or ABORTED — whatever state they were
 * in, even the 2-hour timeout or a StopExecution — run the flow's compensation for their order
 * (the execution name is the order id): anything charged is refunded, the seats are freed, the
 * order ends. EventBridge retries a failed delivery for up to a day; what it still cannot deliver
 * lands in a dead-letter queue with an alarm on it.
 */
export class ExecutionEndedRule extends Construct {
  readonly handler: NodeHandler;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ExecutionEndedRuleProps) {
    super(scope, id);
    this.handler = new NodeHandler(this, 'Handler', {
      stage: props.stage,
      entry: EXECUTION_ENDED_ENTRY,
      description: 'Compensates orders whose execution failed, timed out or was aborted',
      timeout: Duration.seconds(30),
      environment: { ...props.tables.tableEnvironment(), POWERTOOLS_SERVICE_NAME: 'ticketdrop-orders' },
    });
    // Least privilege, as the flow's Compensate step: the order, its seats and tickets, the payment ledger.
    for (const tableId of ['orders', 'seats', 'tickets', 'payments'] as const)
      props.tables.table(tableId).grantReadWriteData(this.handler.function);

    this.deadLetterQueue = streamDeadLetterQueue(this);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Order executions that failed, timed out or were aborted → compensation',
      eventPattern: {
        source: ['aws.states'],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: { status: [...ENDED_EXECUTION_STATUSES], stateMachineArn: [props.stateMachine.stateMachineArn] },
      },
      targets: [
        new targets.LambdaFunction(this.handler.function, {
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}
