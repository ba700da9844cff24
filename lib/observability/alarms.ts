import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct, IConstruct } from 'constructs';
import { deadLetterQueuesIn, nodeHandlersIn, streamConsumersIn } from './discovery';

/**
 * Thresholds, in one place. Starting points for a drop of a few thousand buyers: an alarm should
 * mean "look now", not "a card was declined".
 */
export const ALARM_THRESHOLDS = {
  period: Duration.minutes(5),
  /** PaymentFailed / SeatsLost end executions FAILED: a few are business as usual. */
  failedOrderExecutions: 5,
  /** Every execution ends by its own states; the 2 h timeout firing is a bug. */
  timedOutOrderExecutions: 1,
  lambdaErrors: 1,
  lambdaThrottles: 1,
  dynamoThrottleEvents: 10,
  /** Live updates older than this are late for a seat map (records expire at 60 s anyway). */
  streamIteratorAgeMs: 30_000,
  deadLetters: 1,
  api5xx: 5,
} as const;

export interface AlarmTargets {
  readonly stateMachine: sfn.IStateMachine;
  readonly httpApi: IHttpApi;
  readonly tables: readonly dynamodb.ITable[];
}

/** Every alarm of the stack; the caller routes them (SNS) and shows them (dashboard). */
export function createAlarms(scope: Construct, targets: AlarmTargets): cloudwatch.Alarm[] {
  const t = ALARM_THRESHOLDS;
  const period = t.period;
  const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) =>
    new cloudwatch.Alarm(scope, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data = nothing happened (an idle stage is healthy).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });

  const alarms = [
    alarm(
      'OrderExecutionsFailed',
      targets.stateMachine.metricFailed({ period }),
      t.failedOrderExecutions,
      'Order executions FAILED (npm run order -- <orderId> explains one; npm run stuck lists open ones)',
    ),
    alarm(
      'OrderExecutionsTimedOut',
      targets.stateMachine.metricTimedOut({ period }),
      t.timedOutOrderExecutions,
      'An order execution hit the 2 h state machine timeout: a flow did not end by itself',
    ),
    alarm('HttpApi5xx', targets.httpApi.metricServerError({ period }), t.api5xx, 'HTTP API answered 5xx'),
  ];

  const stack = Stack.of(scope);
  for (const handler of nodeHandlersIn(stack)) {
    const name = idOf(handler);
    const fn = handler.function;
    if (!handler.errorsAreOutcomes) {
      alarms.push(
        alarm(`${name}Errors`, fn.metricErrors({ period }), t.lambdaErrors, `${handler.node.path}: invocation errors`),
      );
    }
    alarms.push(
      alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period }),
        t.lambdaThrottles,
        `${handler.node.path}: throttled invocations`,
      ),
    );
  }

  for (const handler of streamConsumersIn(stack)) {
    const iteratorAge = handler.function.metric('IteratorAge', {
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    alarms.push(
      alarm(
        `${idOf(handler)}IteratorAge`,
        iteratorAge,
        t.streamIteratorAgeMs,
        `${handler.node.path}: stream records wait too long (live updates late)`,
      ),
    );
  }

  for (const queue of deadLetterQueuesIn(stack)) {
    const visible = queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    alarms.push(
      alarm(
        `${idOf(queue)}Depth`,
        visible,
        t.deadLetters,
        `${queue.node.path}: a stream batch was given up on (its records were not delivered)`,
      ),
    );
  }

  for (const table of targets.tables) {
    const throttles = new cloudwatch.MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: table.metric('ReadThrottleEvents', { statistic: cloudwatch.Stats.SUM }),
        writes: table.metric('WriteThrottleEvents', { statistic: cloudwatch.Stats.SUM }),
      },
      period,
      label: 'throttle events',
    });
    alarms.push(
      alarm(
        `${table.node.id}Throttles`,
        throttles,
        t.dynamoThrottleEvents,
        `${table.node.path}: throttled reads/writes (hot partition?)`,
      ),
    );
  }
  return alarms;
}

/** `TicketDrop-dev/Api/Events/Handler` → `ApiEventsHandler`: a readable, unique construct id. */
function idOf(construct: IConstruct): string {
  return construct.node.scopes
    .slice(1)
    .map((c) => c.node.id.replace(/[^A-Za-z0-9]/g, ''))
    .join('');
}
