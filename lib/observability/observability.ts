import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Stage } from '../stage';
import { createAlarms } from './alarms';
import { createDashboard } from './dashboard';

export interface ObservabilityProps {
  readonly stage: Stage;
  readonly stateMachine: sfn.IStateMachine;
  readonly httpApi: IHttpApi;
  readonly tables: readonly dynamodb.ITable[];
  /** Where alarm notices go by e-mail (`-c alarmEmail=ops@example.com`); none: the topic only. */
  readonly alarmEmail?: string;
}

/**
 * Alarms on everything that can go wrong unseen, an SNS topic they notify, and a dashboard.
 * Construct it last in the stack: it watches every function, stream consumer and dead-letter
 * queue it finds there.
 */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `TicketDrop ${props.stage.name} alarms`,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.alarms = createAlarms(this, props);
    const notify = new actions.SnsAction(this.topic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
    this.dashboard = createDashboard(this, 'Dashboard', { ...props, alarms: this.alarms });
  }
}
