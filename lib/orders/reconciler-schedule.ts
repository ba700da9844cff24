import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RECONCILE_PERIOD_MINUTES, RECONCILER_ENTRY } from '../../contract/handler-entries';
import { ApiSecrets } from '../constructs/api-secrets';
import type { DataTables } from '../constructs/data-tables';
import { NodeHandler } from '../constructs/node-handler';
import type { Stage } from '../stage';

export interface ReconcilerProps {
  readonly stage: Stage;
  readonly tables: DataTables;
  readonly orderStateMachine: sfn.StateMachine;
  readonly ticketSigningKey: secretsmanager.ISecret;
}

export { RECONCILER_ENTRY };
/** How often it runs on AWS (the local stack's default period is the same). */
export const RECONCILE_PERIOD = Duration.minutes(RECONCILE_PERIOD_MINUTES);

/**
 * The reconciler on a schedule: finishes orders, seats, charges, flows and waiting-room slots that
 * the order flows left unfinished (lambdas/core/reconcile/). One run at a time is enough and
 * harmless if two overlap; it may stop and start executions of the order state machine only.
 */
export class Reconciler extends Construct {
  readonly handler: NodeHandler;

  constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    this.handler = new NodeHandler(this, 'Handler', {
      stage: props.stage,
      entry: RECONCILER_ENTRY,
      description: 'Finishes what order flows left unfinished (every minute)',
      timeout: Duration.seconds(50),
      environment: {
        ...props.tables.tableEnvironment(),
        ORDER_STATE_MACHINE_ARN: props.orderStateMachine.stateMachineArn,
        POWERTOOLS_SERVICE_NAME: 'ticketdrop-reconciler',
      },
    });
    const fn = this.handler.function;
    for (const id of ['orders', 'seats', 'tickets', 'payments', 'waitingRooms', 'buyers'] as const)
      props.tables.table(id).grantReadWriteData(fn);
    props.tables.table('events').grantReadData(fn);
    const machine = props.orderStateMachine;
    machine.grantStartExecution(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:ListExecutions'], resources: [machine.stateMachineArn] }),
    );
    // Executions are named after orders, so they can only be named by pattern (this machine's only).
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        resources: [executionsOf(machine)],
      }),
    );
    // A paid order it completes gets its tickets signed, like the flow's IssueTickets step.
    ApiSecrets.provide(fn, 'TICKET_SIGNING_KEY', props.ticketSigningKey);
    new events.Rule(this, 'Schedule', {
      description: 'Runs the TicketDrop reconciler',
      schedule: events.Schedule.rate(RECONCILE_PERIOD),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })], // the next run is the retry
    });
  }
}

/** `arn:…:states:…:execution:<machine name>:*` — every execution of this state machine, none of another. */
export function executionsOf(machine: sfn.IStateMachine): string {
  return Stack.of(machine).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${Arn.split(machine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
