import { Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  PAYMENT_ATTEMPTS,
  PAYMENT_RETRY_BACKOFF_RATE,
  PAYMENT_RETRY_ERRORS,
  PAYMENT_RETRY_INTERVAL_SECONDS,
  PAYMENT_TASK_TIMEOUT_SECONDS,
} from '../../contract/order-flow-settings';
import type { TableId } from '../../contract/tables';
import { ApiSecrets } from '../constructs/api-secrets';
import type { DataTables } from '../constructs/data-tables';
import { NodeHandler } from '../constructs/node-handler';
import type { Stage } from '../stage';
import { ExecutionEndedRule } from './execution-ended-rule';

/**
 * The order state machine (Standard): hold → wait for the buyer (task token, timeout = time left
 * on the hold) → pay with retries → confirm seats → tickets → confirmations, with a way out of
 * every state, so every execution ends. Every task retries transient faults (backoff, full
 * jitter); every failure that is not an outcome ends in one `Compensate` step (refund, release,
 * end the order), and an execution that fails anyway is compensated by the execution-ended rule.
 * See docs/ARCHITECTURE.md for the diagram.
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
  // Steps that may compensate an order void its tickets too (tickets: 'write').
  endOrder: {
    entry: 'lambdas/steps/end-order.ts',
    tables: { seats: 'write', orders: 'write', tickets: 'write', payments: 'write' },
  },
  chargePayment: {
    entry: 'lambdas/steps/charge-payment.ts',
    tables: { orders: 'write', tickets: 'write', payments: 'write' },
    errorsAreOutcomes: true,
  },
  recordPaymentFailure: {
    entry: 'lambdas/steps/record-payment-failure.ts',
    tables: { seats: 'write', orders: 'write', tickets: 'write', payments: 'write' },
  },
  // Orders read only by executions started before the flow carried the paid order (`$.buyer.order`).
  confirmSeats: {
    entry: 'lambdas/steps/confirm-seats.ts',
    tables: { seats: 'write', orders: 'read' },
    errorsAreOutcomes: true,
  },
  // Writes the tickets' own items; the order is only read.
  issueTickets: { entry: 'lambdas/steps/issue-tickets.ts', tables: { orders: 'read', tickets: 'write' } },
  sendNotification: {
    entry: 'lambdas/steps/send-notification.ts',
    tables: { orders: 'read' },
    errorsAreOutcomes: true,
  },
  completeOrder: { entry: 'lambdas/steps/complete-order.ts', tables: { orders: 'write', payments: 'write' } },
  compensate: {
    entry: 'lambdas/steps/compensate.ts',
    tables: { seats: 'write', orders: 'write', tickets: 'write', payments: 'write' },
  },
} satisfies Record<string, { entry: string; tables: Partial<Record<TableId, Access>>; errorsAreOutcomes?: boolean }>;

export type StepId = keyof typeof STEPS;

/** A Lambda step's own limit: room for the simulator's slow answers beyond the task timeout. */
const STEP_FUNCTION_TIMEOUT = Duration.seconds(PAYMENT_TASK_TIMEOUT_SECONDS + 10);
/** Every task has an explicit timeout (a task without one would wait as long as the execution). */
const STEP_TASK_TIMEOUT = sfn.Timeout.duration(Duration.seconds(30));

/**
 * Transient faults of any step (a throttle, a transaction conflict, a Lambda that timed out or
 * died, a Secrets Manager error): retried with exponential backoff and full jitter, so retries of
 * many orders do not arrive together. Business outcomes are listed before it with no retry.
 */
const TRANSIENT_RETRY: sfn.RetryProps = {
  errors: [sfn.Errors.ALL],
  interval: Duration.seconds(1),
  backoffRate: 2,
  maxDelay: Duration.seconds(8),
  maxAttempts: 4,
  jitterStrategy: sfn.JitterType.FULL,
};
/** The compensation must not give up easily: a failure here fails the execution (the rule retries it). */
const COMPENSATION_RETRY: sfn.RetryProps = {
  errors: [sfn.Errors.ALL],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxDelay: Duration.seconds(60),
  maxAttempts: 8,
  jitterStrategy: sfn.JitterType.FULL,
};
/** Where every Catch puts the error it caught; the Compensate step builds the buyer's reason from it. */
const ERROR_PATH = '$.error';

export class OrderFlow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly handlers: Record<StepId, NodeHandler>;
  readonly ticketSigningKey: secretsmanager.Secret;
  readonly logGroup: logs.LogGroup;
  /** Compensates orders whose execution failed, timed out or was aborted. */
  readonly executionEnded: ExecutionEndedRule;

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
      // An order lives at most holdSeconds (≤ 1 h, never renewed) + the payment window: well inside.
      // Should it not end anyway, the execution-ended rule compensates the order.
      timeout: Duration.hours(2),
      comment: 'TicketDrop order: hold, pay, confirm, ticket, notify',
      // Every transition logged, without execution data: payment codes and tokens stay out of logs.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.executionEnded = new ExecutionEndedRule(this, 'ExecutionEnded', {
      stage: props.stage,
      tables: props.tables,
      stateMachine: this.stateMachine,
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
      // Only the step that signs tickets, and the one that signs the tickets link of the
      // confirmation, may read the ticket key (at run time).
      if (stepId === 'issueTickets' || stepId === 'sendNotification')
        ApiSecrets.provide(handler.function, 'TICKET_SIGNING_KEY', this.ticketSigningKey);
      handlers[stepId] = handler;
    }
    return handlers;
  }

  /** A Lambda step whose result is its return value (payloadResponseOnly), with a timeout. */
  private step(
    id: string,
    stepId: StepId,
    payload: Record<string, unknown> | 'state',
    options: Partial<tasks.LambdaInvokeProps> = {},
  ) {
    return new tasks.LambdaInvoke(this, id, {
      lambdaFunction: this.handlers[stepId].function,
      // 'state': no Parameters, the function receives the whole state data.
      ...(payload === 'state' ? {} : { payload: sfn.TaskInput.fromObject(payload) }),
      payloadResponseOnly: true,
      taskTimeout: STEP_TASK_TIMEOUT,
      ...options,
    });
  }

  /** Outcomes first (not retried), then transient faults with backoff and jitter. */
  private retrying<T extends sfn.TaskStateBase>(task: T, outcomes: readonly string[] = []): T {
    if (outcomes.length > 0) task.addRetry({ errors: [...outcomes], maxAttempts: 0 });
    task.addRetry(TRANSIENT_RETRY);
    return task;
  }

  private definition(): sfn.IChainable {
    const orderId = sfn.JsonPath.stringAt('$.orderId');
    // The buyer's last action; after a pay request it carries the order as that request left it
    // (`PaidOrder`: seats, intent), so the steps after it read nothing they only need to know.
    const buyer = sfn.JsonPath.objectAt('$.buyer');

    // The one compensation path: refund, release, end the order with a reason; then fail.
    const compensate = this.step('Compensate', 'compensate', 'state', {
      comment: 'Ends the order without tickets whatever failed: refunds every charge, frees its seats, says why',
      resultPath: sfn.JsonPath.DISCARD,
    });
    compensate.addRetry(COMPENSATION_RETRY);
    compensate.next(
      new sfn.Fail(this, 'OrderFailed', { errorPath: `${ERROR_PATH}.Error`, causePath: `${ERROR_PATH}.Cause` }),
    );
    const compensated = <T extends sfn.TaskStateBase | sfn.Parallel>(state: T): T => {
      state.addCatch(compensate, { errors: [sfn.Errors.ALL], resultPath: ERROR_PATH });
      return state;
    };

    const waitForBuyer = new tasks.LambdaInvoke(this, 'WaitForBuyer', {
      comment: 'Token on the order; the buyer resumes with pay, change or cancel; timeout = time left on the hold',
      lambdaFunction: this.handlers.awaitBuyer.function,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({ orderId, taskToken: sfn.JsonPath.taskToken }),
      taskTimeout: sfn.Timeout.at('$.hold.waitSeconds'),
      resultPath: '$.buyer',
    });
    // The hold running out is an outcome (ExpireOrder), never a reason to wait again.
    this.retrying(waitForBuyer, [sfn.Errors.TIMEOUT, 'OrderStateConflict']);

    const ending = (id: string, status: string, reason: string) =>
      compensated(
        this.retrying(this.step(id, 'endOrder', { orderId, status, reason }, { resultPath: sfn.JsonPath.DISCARD })),
      );

    const expired = ending('ExpireOrder', 'EXPIRED', 'The hold expired before payment').next(
      new sfn.Succeed(this, 'Expired'),
    );
    waitForBuyer.addCatch(expired, { errors: [sfn.Errors.TIMEOUT], resultPath: '$.timeout' });
    compensated(waitForBuyer);

    const cancelled = ending('CancelOrder', 'CANCELLED', 'Cancelled by the buyer').next(
      new sfn.Succeed(this, 'Cancelled'),
    );
    const unknownAction = ending('RejectUnknownAction', 'FAILED', 'Unknown buyer action').next(
      new sfn.Fail(this, 'UnknownBuyerAction', { error: 'UnknownBuyerAction' }),
    );

    const changeSeats = compensated(
      this.retrying(
        this.step(
          'ChangeSeats',
          'changeSeats',
          { orderId, seatIds: sfn.JsonPath.listAt('$.buyer.seatIds') },
          { resultPath: '$.hold' },
        ),
        ['OrderStateConflict'],
      ),
    ).next(waitForBuyer);

    const confirm = compensated(
      this.retrying(
        this.step('ConfirmSeats', 'confirmSeats', { orderId, buyer }, { resultPath: sfn.JsonPath.DISCARD }),
        ['SeatsLost', 'ChargeMismatch', 'OrderStateConflict'],
      ),
    );

    const paymentFailed = compensated(
      this.retrying(
        this.step(
          'RecordPaymentFailure',
          'recordPaymentFailure',
          { orderId, error: sfn.JsonPath.stringAt('$.paymentError.Error') },
          {
            comment: 'Confirms a charge that went through after all; else waits for the buyer again, or ends the order',
            resultPath: '$.hold',
          },
        ),
        ['ChargeMismatch'],
      ),
    ).next(
      new sfn.Choice(this, 'PayAgain')
        .when(sfn.Condition.stringEquals('$.hold.next', 'confirm'), confirm)
        .when(sfn.Condition.stringEquals('$.hold.next', 'wait'), waitForBuyer)
        .otherwise(
          new sfn.Fail(this, 'PaymentFailed', { error: 'PaymentFailed', cause: 'All payment attempts failed' }),
        ),
    );

    const charge = this.step(
      'ChargePayment',
      'chargePayment',
      { orderId, buyer },
      {
        resultPath: '$.charge',
        taskTimeout: sfn.Timeout.duration(Duration.seconds(PAYMENT_TASK_TIMEOUT_SECONDS)),
      },
    );
    charge.addRetry({ errors: ['OrderStateConflict', 'ChargeMismatch'], maxAttempts: 0 });
    charge.addRetry({
      errors: [...PAYMENT_RETRY_ERRORS, sfn.Errors.TIMEOUT],
      interval: Duration.seconds(PAYMENT_RETRY_INTERVAL_SECONDS),
      backoffRate: PAYMENT_RETRY_BACKOFF_RATE,
      maxAttempts: PAYMENT_ATTEMPTS - 1, // retries after the first attempt
    });
    charge.addRetry({ ...TRANSIENT_RETRY, maxAttempts: 2 });
    charge.addCatch(paymentFailed, { errors: [sfn.Errors.ALL], resultPath: '$.paymentError' });

    const notifyBranch = (channel: 'email' | 'sms', id: string) => {
      const send = this.step(id, 'sendNotification', { orderId, channel, buyer });
      send.addRetry({ errors: ['NotificationFailed'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 2 });
      send.addRetry(TRANSIENT_RETRY);
      send.addCatch(
        new sfn.Pass(this, `${id}Failed`, { result: sfn.Result.fromObject({ channel, result: 'failed' }) }),
        {
          errors: [sfn.Errors.ALL],
        },
      );
      return send;
    };
    const notify = compensated(
      new sfn.Parallel(this, 'SendConfirmations', { resultPath: '$.notifications' })
        .branch(notifyBranch('email', 'SendEmail'))
        .branch(notifyBranch('sms', 'SendSms')),
    );

    const issueTickets = compensated(
      this.retrying(this.step('IssueTickets', 'issueTickets', { orderId, buyer }, { resultPath: '$.tickets' })),
    );
    const complete = compensated(
      this.retrying(
        // The whole state: `$.charge` (ChargePayment's answer, recorded by this step's one write
        // with CONFIRMED) exists only when that step charged, and a Parameters path to a missing
        // field fails the state; `$.buyer` carries the pay request's intent (the write's guard).
        this.step('CompleteOrder', 'completeOrder', 'state', {
          comment: 'CONFIRMED with its charge in one conditional write (PAYING, this pay request)',
          resultPath: sfn.JsonPath.DISCARD,
        }),
      ),
    ).next(new sfn.Succeed(this, 'Confirmed'));

    charge.next(confirm);
    confirm.next(issueTickets).next(notify).next(complete);

    return waitForBuyer.next(
      new sfn.Choice(this, 'BuyerAction')
        .when(sfn.Condition.stringEquals('$.buyer.action', 'pay'), charge)
        .when(sfn.Condition.stringEquals('$.buyer.action', 'change'), changeSeats)
        .when(sfn.Condition.stringEquals('$.buyer.action', 'cancel'), cancelled)
        .otherwise(unknownAction),
    );
  }
}
