import { Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { PAYMENT_ATTEMPTS, PAYMENT_TASK_TIMEOUT_SECONDS } from '../../lambdas/core/order-config';
import { PAYMENT_RETRY_ERRORS } from '../../lambdas/core/payments/processor';
import { ApiSecrets } from '../api/api-secrets';
import { NodeHandler } from '../api/node-handler';
import type { DataTables } from '../data/data-tables';
import type { TableId } from '../data/table-specs';
import type { Stage } from '../stage';

/**
 * The order state machine (Standard): hold → wait for the buyer (task token, timeout = time left
 * on the hold) → pay with retries → confirm seats → tickets → confirmations, with a way out of
 * every state, so every execution ends. See docs/ARCHITECTURE.md for the diagram.
 */

export interface OrderFlowProps {
  readonly stage: Stage;
  readonly tables: DataTables;
}

type Access = 'read' | 'write';

/** Each step's handler module and the tables it may touch (least privilege, per function). */
const STEPS = {
  awaitBuyer: { entry: 'lambdas/steps/await-buyer.ts', tables: { orders: 'write' } },
  changeSeats: { entry: 'lambdas/steps/change-seats.ts', tables: { events: 'read', seats: 'write', orders: 'write' } },
  endOrder: { entry: 'lambdas/steps/end-order.ts', tables: { seats: 'write', orders: 'write' } },
  chargePayment: { entry: 'lambdas/steps/charge-payment.ts', tables: { orders: 'write', payments: 'write' }, errorsAreOutcomes: true },
  recordPaymentFailure: { entry: 'lambdas/steps/record-payment-failure.ts', tables: { seats: 'write', orders: 'write' } },
  refundPayment: { entry: 'lambdas/steps/refund-payment.ts', tables: { seats: 'write', orders: 'write', payments: 'write' } },
  confirmSeats: { entry: 'lambdas/steps/confirm-seats.ts', tables: { seats: 'write', orders: 'read' }, errorsAreOutcomes: true },
  issueTickets: { entry: 'lambdas/steps/issue-tickets.ts', tables: { orders: 'write' } },
  sendNotification: { entry: 'lambdas/steps/send-notification.ts', tables: { orders: 'read' }, errorsAreOutcomes: true },
  completeOrder: { entry: 'lambdas/steps/complete-order.ts', tables: { orders: 'write' } },
} satisfies Record<string, { entry: string; tables: Partial<Record<TableId, Access>>; errorsAreOutcomes?: boolean }>;

export type StepId = keyof typeof STEPS;

/** A Lambda step's own limit: room for the simulator's slow answers beyond the task timeout. */
const STEP_FUNCTION_TIMEOUT = Duration.seconds(PAYMENT_TASK_TIMEOUT_SECONDS + 10);
/** Every task has an explicit timeout (a task without one would wait as long as the execution). */
const STEP_TASK_TIMEOUT = sfn.Timeout.duration(Duration.seconds(30));

export class OrderFlow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly handlers: Record<StepId, NodeHandler>;
  readonly ticketSigningKey: secretsmanager.Secret;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OrderFlowProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps CloudWatch's resource policy small (AWS's advice for Step Functions).
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-orders`,
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });
    this.ticketSigningKey = new secretsmanager.Secret(this, 'TicketSigningKey', {
      description: 'HMAC key that signs ticket QR codes',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: props.stage.removalPolicy,
    });
    this.handlers = this.createHandlers(props);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition()),
      // A buyer who keeps changing seats keeps restarting the hold; nobody shops for 2 hours.
      timeout: Duration.hours(2),
      comment: 'TicketDrop order: hold, pay, confirm, ticket, notify',
      // Every transition logged, without execution data: payment codes and tokens stay out of logs.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
  }

  private createHandlers(props: OrderFlowProps): Record<StepId, NodeHandler> {
    const handlers = {} as Record<StepId, NodeHandler>;
    for (const [stepId, step] of Object.entries(STEPS) as [StepId, (typeof STEPS)[StepId]][]) {
      const handler = new NodeHandler(this, stepId, {
        stage: props.stage,
        entry: step.entry,
        description: `Order flow step ${stepId}`,
        timeout: STEP_FUNCTION_TIMEOUT,
        // Declines, lost seats and failed notices are thrown for Retry/Catch: outcomes, not faults.
        errorsAreOutcomes: 'errorsAreOutcomes' in step && step.errorsAreOutcomes,
        environment: {
          ...props.tables.tableEnvironment(),
          POWERTOOLS_SERVICE_NAME: 'ticketdrop-orders',
        },
      });
      for (const [tableId, access] of Object.entries(step.tables) as [TableId, Access][]) {
        const table = props.tables.table(tableId);
        if (access === 'write') table.grantReadWriteData(handler.function);
        else table.grantReadData(handler.function);
      }
      // Only the step that signs tickets may read the ticket key (at run time).
      if (stepId === 'issueTickets') ApiSecrets.provide(handler.function, 'TICKET_SIGNING_KEY', this.ticketSigningKey);
      handlers[stepId] = handler;
    }
    return handlers;
  }

  /** A Lambda step whose result is its return value (payloadResponseOnly), with a timeout. */
  private step(id: string, stepId: StepId, payload: Record<string, unknown>, options: Partial<tasks.LambdaInvokeProps> = {}) {
    return new tasks.LambdaInvoke(this, id, {
      lambdaFunction: this.handlers[stepId].function,
      payload: sfn.TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      taskTimeout: STEP_TASK_TIMEOUT,
      ...options,
    });
  }

  private definition(): sfn.IChainable {
    const orderId = sfn.JsonPath.stringAt('$.orderId');

    const waitForBuyer = new tasks.LambdaInvoke(this, 'WaitForBuyer', {
      comment: 'Token on the order; the buyer resumes with pay, change or cancel; timeout = time left on the hold',
      lambdaFunction: this.handlers.awaitBuyer.function,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ orderId, taskToken: sfn.JsonPath.taskToken }),
      taskTimeout: sfn.Timeout.at('$.hold.waitSeconds'),
      resultPath: '$.buyer',
    });

    const expired = this.step('ExpireOrder', 'endOrder', { orderId, status: 'EXPIRED', reason: 'The hold expired before payment' }, {
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Succeed(this, 'Expired'));
    waitForBuyer.addCatch(expired, { errors: ['States.Timeout'], resultPath: '$.timeout' });

    const cancelled = this.step('CancelOrder', 'endOrder', { orderId, status: 'CANCELLED', reason: 'Cancelled by the buyer' }, {
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Succeed(this, 'Cancelled'));

    const unknownAction = this.step('RejectUnknownAction', 'endOrder', { orderId, status: 'FAILED', reason: 'Unknown buyer action' }, {
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Fail(this, 'UnknownBuyerAction', { error: 'UnknownBuyerAction' }));

    const changeSeats = this.step('ChangeSeats', 'changeSeats', { orderId, seatIds: sfn.JsonPath.listAt('$.buyer.seatIds') }, {
      resultPath: '$.hold',
    }).next(waitForBuyer);

    const paymentFailed = this.step('RecordPaymentFailure', 'recordPaymentFailure', { orderId, error: sfn.JsonPath.stringAt('$.paymentError.Error') }, {
      resultPath: '$.hold',
    }).next(
      new sfn.Choice(this, 'PayAgain')
        .when(sfn.Condition.booleanEquals('$.hold.retry', true), waitForBuyer)
        .otherwise(new sfn.Fail(this, 'PaymentFailed', { error: 'PaymentFailed', cause: 'All payment attempts failed' })),
    );

    const charge = this.step('ChargePayment', 'chargePayment', { orderId, code: sfn.JsonPath.stringAt('$.buyer.code') }, {
      resultPath: '$.charge',
      taskTimeout: sfn.Timeout.duration(Duration.seconds(PAYMENT_TASK_TIMEOUT_SECONDS)),
    });
    charge.addRetry({
      errors: [...PAYMENT_RETRY_ERRORS, 'States.Timeout'],
      interval: Duration.seconds(1),
      backoffRate: 2,
      maxAttempts: PAYMENT_ATTEMPTS - 1, // retries after the first attempt
    });
    charge.addCatch(paymentFailed, { errors: ['States.ALL'], resultPath: '$.paymentError' });

    const refund = this.step('RefundPayment', 'refundPayment', { orderId, cause: sfn.JsonPath.stringAt('$.lost.Cause') }, {
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Fail(this, 'SeatsLost', { error: 'SeatsLost', cause: 'Paid, but a seat was lost after the hold expired; refunded' }));

    const confirm = this.step('ConfirmSeats', 'confirmSeats', { orderId }, { resultPath: sfn.JsonPath.DISCARD });
    confirm.addCatch(refund, { errors: ['SeatsLost'], resultPath: '$.lost' });

    const notifyBranch = (channel: 'email' | 'sms', id: string) => {
      const send = this.step(id, 'sendNotification', { orderId, channel });
      send.addRetry({ errors: ['NotificationFailed'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 2 });
      send.addCatch(new sfn.Pass(this, `${id}Failed`, { result: sfn.Result.fromObject({ channel, result: 'failed' }) }), {
        errors: ['States.ALL'],
      });
      return send;
    };
    const notify = new sfn.Parallel(this, 'SendConfirmations', { resultPath: '$.notifications' })
      .branch(notifyBranch('email', 'SendEmail'))
      .branch(notifyBranch('sms', 'SendSms'));

    const complete = this.step('CompleteOrder', 'completeOrder', { orderId, notifications: sfn.JsonPath.listAt('$.notifications') }, {
      resultPath: sfn.JsonPath.DISCARD,
    }).next(new sfn.Succeed(this, 'Confirmed'));

    charge.next(confirm);
    confirm.next(this.step('IssueTickets', 'issueTickets', { orderId }, { resultPath: '$.tickets' })).next(notify).next(complete);

    return waitForBuyer.next(
      new sfn.Choice(this, 'BuyerAction')
        .when(sfn.Condition.stringEquals('$.buyer.action', 'pay'), charge)
        .when(sfn.Condition.stringEquals('$.buyer.action', 'change'), changeSeats)
        .when(sfn.Condition.stringEquals('$.buyer.action', 'cancel'), cancelled)
        .otherwise(unknownAction),
    );
  }
}
