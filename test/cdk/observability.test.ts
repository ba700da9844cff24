import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeHandler } from '../../lib/constructs/node-handler';
import { ALARM_THRESHOLDS } from '../../lib/observability/alarms';
import { deadLetterQueuesIn, streamConsumersIn } from '../../lib/observability/discovery';
import { logicalIdOf, type Resource, resourcesOf, synthStage } from '../support/cdk-synth';

/** Alarms (found in the stack, so new functions are covered), their SNS topic, the dashboard, logs. */

let dev: ReturnType<typeof synthStage>;
let withEmail: ReturnType<typeof synthStage>;

beforeAll(() => {
  dev = synthStage('dev');
  withEmail = synthStage('dev', { alarmEmail: 'ops@example.com' });
});

afterAll(() => {
  dev?.dispose();
  withEmail?.dispose();
});

const alarms = () => Object.values(resourcesOf(dev.template, 'AWS::CloudWatch::Alarm'));
const alarmsOn = (metricName: string, dimension?: { Name: string; Value: unknown }) =>
  alarms().filter(
    (a) =>
      a.Properties?.MetricName === metricName &&
      (dimension === undefined || JSON.stringify(a.Properties?.Dimensions).includes(JSON.stringify(dimension.Value))),
  );

describe('alarms', () => {
  it('on failed and timed-out executions of the order state machine', () => {
    const machine = { Name: 'StateMachineArn', Value: { Ref: logicalIdOf(dev.stack.orderFlow.stateMachine) } };
    expect(alarmsOn('ExecutionsFailed', machine)).toHaveLength(1);
    expect(alarmsOn('ExecutionsFailed', machine)[0]?.Properties?.Threshold).toBe(
      ALARM_THRESHOLDS.failedOrderExecutions,
    );
    expect(alarmsOn('ExecutionsTimedOut', machine)).toHaveLength(1);
  });

  it('on errors and throttles of every function (errors skipped where they are business outcomes)', () => {
    const handlers = dev.stack.node.findAll().filter((c): c is NodeHandler => c instanceof NodeHandler);
    expect(handlers.length).toBeGreaterThan(15);
    for (const handler of handlers) {
      const fn = { Name: 'FunctionName', Value: { Ref: logicalIdOf(handler.function) } };
      expect(alarmsOn('Throttles', fn), handler.node.path).toHaveLength(1);
      expect(alarmsOn('Errors', fn), handler.node.path).toHaveLength(handler.errorsAreOutcomes ? 0 : 1);
    }
    // Declines are thrown for Retry: the payment step's errors are not an alarm.
    expect(dev.stack.orderFlow.handlers.chargePayment.errorsAreOutcomes).toBe(true);
    expect(dev.stack.api.orders.handler.errorsAreOutcomes).toBe(false);
  });

  it('on the stream iterator age of every stream consumer (the broadcaster among them)', () => {
    const consumers = streamConsumersIn(dev.stack);
    expect(consumers).toContain(dev.stack.broadcaster.handler);
    for (const consumer of consumers) {
      const [alarm] = alarmsOn('IteratorAge', { Name: 'FunctionName', Value: { Ref: logicalIdOf(consumer.function) } });
      expect(alarm?.Properties).toMatchObject({
        Statistic: 'Maximum',
        Threshold: ALARM_THRESHOLDS.streamIteratorAgeMs,
      });
    }
  });

  it('on the depth of every dead-letter queue (the broadcaster’s among them)', () => {
    const queues = deadLetterQueuesIn(dev.stack);
    expect(queues).toContain(dev.stack.broadcaster.deadLetterQueue);
    for (const queue of queues) {
      expect(
        alarmsOn('ApproximateNumberOfMessagesVisible', {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] },
        }),
      ).toHaveLength(1);
    }
  });

  it('on DynamoDB throttling of every table, and on HTTP API 5xx', () => {
    const throttleAlarms = alarms().filter((a) =>
      JSON.stringify(a.Properties?.Metrics ?? '').includes('WriteThrottleEvents'),
    );
    expect(throttleAlarms).toHaveLength(Object.keys(dev.stack.data.byId).length);
    expect(alarmsOn('5xx', { Name: 'ApiId', Value: { Ref: logicalIdOf(dev.stack.api.httpApi) } })).toHaveLength(1);
  });

  it('notify one SNS topic (TLS only), on alarm and on recovery; e-mail only when asked for', () => {
    const topicId = logicalIdOf(dev.stack.observability.topic);
    for (const alarm of alarms()) {
      expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties?.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties?.TreatMissingData).toBe('notBreaching');
    }
    dev.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    dev.template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });
});

describe('dashboard', () => {
  it('one dashboard per stage with the alarms on it', () => {
    const [dashboard] = Object.values(resourcesOf(dev.template, 'AWS::CloudWatch::Dashboard')) as Resource[];
    expect(dashboard?.Properties?.DashboardName).toBe('TicketDrop-dev-operations');
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    for (const title of ['HTTP API', 'Order executions', 'Stream iterator age', 'Dead letters', 'Alarms'])
      expect(body).toContain(title);
  });
});

describe('logs', () => {
  it('the order state machine logs every transition without execution data, and is traced', () => {
    const machine = resourcesOf(dev.template, 'AWS::StepFunctions::StateMachine')[
      logicalIdOf(dev.stack.orderFlow.stateMachine)
    ]!;
    expect(machine.Properties?.LoggingConfiguration).toEqual({
      Destinations: [
        {
          CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logicalIdOf(dev.stack.orderFlow.logGroup), 'Arn'] } },
        },
      ],
      IncludeExecutionData: false,
      Level: 'ALL',
    });
    expect(machine.Properties?.TracingConfiguration).toEqual({ Enabled: true });
    const group = resourcesOf(dev.template, 'AWS::Logs::LogGroup')[logicalIdOf(dev.stack.orderFlow.logGroup)]!;
    expect(group.Properties).toMatchObject({
      LogGroupName: '/aws/vendedlogs/states/TicketDrop-dev-orders',
      RetentionInDays: 7,
    });
  });

  it('the HTTP API writes access logs to its own group', () => {
    const stage = Object.values(resourcesOf(dev.template, 'AWS::ApiGatewayV2::Stage')).find(
      (s) => s.Properties?.StageName === '$default',
    );
    expect(stage?.Properties?.AccessLogSettings).toMatchObject({
      DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] },
    });
  });

  it('each function writes only its own log group (no AWSLambdaBasicExecutionRole)', () => {
    for (const role of Object.values(resourcesOf(dev.template, 'AWS::IAM::Role'))) {
      const managed = JSON.stringify(role.Properties?.ManagedPolicyArns ?? []);
      if (managed.includes('AWSLambdaBasicExecutionRole')) {
        // CDK's own deploy-time helpers only (BucketDeployment), never a TicketDrop handler.
        expect(JSON.stringify(role)).not.toMatch(/ticketdrop:entry/);
      }
    }
    for (const handler of dev.stack.node.findAll().filter((c): c is NodeHandler => c instanceof NodeHandler)) {
      const fn = resourcesOf(dev.template, 'AWS::Lambda::Function')[logicalIdOf(handler.function)]!;
      const roleId = (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(
        resourcesOf(dev.template, 'AWS::IAM::Role')[roleId]?.Properties?.ManagedPolicyArns,
        handler.node.path,
      ).toBeUndefined();
    }
  });
});
