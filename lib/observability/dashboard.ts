import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { deadLetterQueuesIn, streamConsumersIn } from './discovery';

export interface DashboardTargets {
  readonly stateMachine: sfn.IStateMachine;
  readonly httpApi: IHttpApi;
  readonly tables: readonly dynamodb.ITable[];
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/** One screen for a drop: traffic, orders, failures, backlog, and the alarms' states. */
export function createDashboard(scope: Construct, id: string, targets: DashboardTargets): cloudwatch.Dashboard {
  const stack = Stack.of(scope);
  const period = Duration.minutes(1);
  const graph = (title: string, left: cloudwatch.IMetric[]) =>
    new cloudwatch.GraphWidget({ title, left, width: 8, height: 6 });
  // Function names start with the stack name (CloudFormation names them): one search covers them all.
  const lambdaSearch = (metric: string) =>
    new cloudwatch.MathExpression({
      expression: `SEARCH('{AWS/Lambda,FunctionName} MetricName="${metric}" "${stack.stackName}-"', 'Sum', 60)`,
      usingMetrics: {},
      label: metric,
      period,
    });

  const dashboard = new cloudwatch.Dashboard(scope, id, {
    dashboardName: `${stack.stackName}-operations`,
    defaultInterval: Duration.hours(3),
  });
  dashboard.addWidgets(
    graph('HTTP API', [
      targets.httpApi.metricCount({ period }),
      targets.httpApi.metricClientError({ period }),
      targets.httpApi.metricServerError({ period }),
    ]),
    graph('Order executions', [
      targets.stateMachine.metricStarted({ period }),
      targets.stateMachine.metricSucceeded({ period }),
      targets.stateMachine.metricFailed({ period }),
      targets.stateMachine.metricTimedOut({ period }),
    ]),
    graph('Lambda errors and throttles (all functions)', [lambdaSearch('Errors'), lambdaSearch('Throttles')]),
  );
  dashboard.addWidgets(
    graph(
      'DynamoDB throttle events',
      targets.tables.flatMap((t) => [
        t.metric('ReadThrottleEvents', { period }),
        t.metric('WriteThrottleEvents', { period }),
      ]),
    ),
    graph(
      'Stream iterator age (ms, max)',
      streamConsumersIn(stack).map((h) =>
        h.function.metric('IteratorAge', { period, statistic: cloudwatch.Stats.MAXIMUM, label: h.node.path }),
      ),
    ),
    graph(
      'Dead letters (visible)',
      deadLetterQueuesIn(stack).map((q) => q.metricApproximateNumberOfMessagesVisible({ period, label: q.node.path })),
    ),
  );
  dashboard.addWidgets(
    new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...targets.alarms], width: 24, height: 4 }),
  );
  return dashboard;
}
