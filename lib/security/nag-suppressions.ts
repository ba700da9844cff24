import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { HttpApi, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { IConstruct } from 'constructs';
import { NodeHandler } from '../constructs/node-handler';
import { deadLetterQueuesIn } from '../observability/discovery';

/**
 * Every cdk-nag (AwsSolutions) finding this stack accepts, each with its reason. Applied to what
 * is found in the stack, so a new function, table or queue is covered by the same reasoning —
 * and anything else a change introduces fails test/cdk/nag.test.ts until it is fixed or argued here.
 */

/** Actions IAM only grants on "*" (no resource-level permissions exist for them). */
const RESOURCELESS_ACTIONS = new Set([
  'dynamodb:ListStreams', // needed by every DynamoDB stream event source
  'states:SendTaskSuccess', // task tokens are not IAM resources
  'states:SendTaskFailure',
  'states:SendTaskHeartbeat',
  'xray:PutTraceSegments', // X-Ray tracing of the state machine
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // Step Functions' log delivery to CloudWatch Logs (AWS documents these on "*").
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
]);

/** The CDK bootstrap's default asset bucket (qualifier hnb659fds), read by the BucketDeployment provider. */
const ASSET_BUCKET_OBJECTS = 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';

export function applyNagSuppressions(stack: Stack): void {
  const all = stack.node.findAll();
  const ofType = <T>(type: abstract new (...args: never[]) => T) =>
    all.filter((c): c is T & IConstruct => c instanceof type);
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  const arnOf = (construct: IConstruct) => `<${logicalIdOf(construct)}.Arn>`;

  for (const api of [...ofType(HttpApi), ...ofType(WebSocketApi)]) {
    ack(
      api,
      'AwsSolutions-APIG4',
      'Buyers are anonymous: routes check the signed session token or the admin key in the handler (lambdas/api/request.ts, $connect), and public reads and the $default catch-all (which only answers errors) need none. An API Gateway authorizer would add a Lambda call per request for the same check.',
    );
  }
  for (const stage of ofType(WebSocketStage)) {
    ack(
      stage,
      'AwsSolutions-APIG1',
      'WebSocket access logging needs the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account), a setting shared by every stack in the account; the handlers log each connect/subscribe/disconnect with Powertools instead.',
    );
  }

  for (const handler of ofType(NodeHandler)) {
    ack(
      handler,
      'AwsSolutions-L1',
      'Node.js 22 (LTS, supported until 2027) is pinned deliberately: esbuild targets node22 and the tests assert it. Moving to nodejs24.x is its own change.',
    );
    if (onlyResourcelessWildcards(stack, handler.function.role)) {
      ack(
        handler,
        'AwsSolutions-IAM5[Resource::*]',
        `Only actions without resource-level permissions are granted on "*": ${[...RESOURCELESS_ACTIONS].join(', ')}.`,
      );
    }
  }

  for (const table of ofType(dynamodb.Table)) {
    ack(
      stack,
      `AwsSolutions-IAM5[Resource::${arnOf(table)}/index/*]`,
      "CDK's table grants include the table's own secondary indexes (e.g. tickets byEvent); index ARNs can only be named by pattern.",
    );
  }

  for (const machine of ofType(sfn.StateMachine)) {
    for (const fn of ofType(lambda.Function)) {
      ack(
        machine,
        `AwsSolutions-IAM5[Resource::${arnOf(fn)}:*]`,
        'The state machine may invoke versions and aliases of its own step functions (CDK LambdaInvoke grant); no other function.',
      );
    }
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalIdOf(machine)}"}]}]}:*`;
    ack(
      stack,
      `AwsSolutions-IAM5[Resource::${executions}]`,
      'Executions are named after their orders, so the reconciler can only be allowed to describe and stop them by pattern: every execution of this state machine, none of another.',
    );
    if (onlyResourcelessWildcards(stack, machine.role)) {
      ack(
        machine,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray tracing and log delivery: the xray:* and logs:*LogDelivery actions it needs have no resource-level permissions.',
      );
    }
  }

  for (const stage of ofType(WebSocketStage)) {
    const managementApi = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalIdOf(stage.api)}>/${stage.stageName}/*/@connections/*`;
    ack(
      stack,
      `AwsSolutions-IAM5[Resource::${managementApi}]`,
      'The broadcaster posts to any connection of its own stage: connection ids are not known in advance (grantManagementApiAccess).',
    );
  }

  for (const secret of ofType(secretsmanager.Secret)) {
    ack(
      secret,
      'AwsSolutions-SMG4',
      'Generated keys without automatic rotation: rotating the session key logs every buyer out, the ticket key invalidates issued tickets. Rotate by hand (README, Deploy); functions re-read keys every 5 minutes.',
    );
  }

  for (const queue of deadLetterQueuesIn(stack)) {
    ack(
      queue,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter destination (of a stream event source or an EventBridge target); it is watched by an alarm.',
    );
  }

  for (const distribution of ofType(cloudfront.Distribution)) {
    ack(distribution, 'AwsSolutions-CFR1', 'Tickets are sold worldwide; no geo restriction.');
    // With `-c waf=true` the distribution has its web ACL and nothing is acknowledged.
    if (ofType(wafv2.CfnWebACL).length === 0) {
      ack(
        distribution,
        'AwsSolutions-CFR2',
        'WAF is optional (`-c waf=true`, README → Abuse limits): a web ACL costs ~$5/month + $1/rule idle; without it the handlers limit sessions and joins per client address and the API is throttled per route and stage.',
      );
    }
    ack(
      distribution,
      'AwsSolutions-CFR3',
      'CloudFront access logs cost money per request at drop scale; API access logs and Lambda logs cover the dynamic part. Enable standard logging for an investigation.',
    );
    ack(
      distribution,
      'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate allows TLSv1 at the edge; a custom domain with an ACM certificate (TLSv1.2_2021) is the fix and needs a domain.',
    );
  }
  for (const bucket of ofType(s3.Bucket)) {
    ack(
      bucket,
      'AwsSolutions-S1',
      'Holds only the public build of the frontend, read by CloudFront alone (OAC); object access logs would add a logging bucket for no insight.',
    );
  }

  for (const provider of all.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
    const reason =
      "CDK's BucketDeployment provider (copies the frontend build into the site bucket at deploy time); its runtime, role and S3 permissions are CDK's.";
    ack(provider, 'AwsSolutions-L1', reason);
    ack(
      provider,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason,
    );
    for (const action of ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'])
      ack(provider, `AwsSolutions-IAM5[Action::${action}]`, reason);
    ack(provider, `AwsSolutions-IAM5[Resource::${ASSET_BUCKET_OBJECTS}]`, reason);
    for (const bucket of ofType(s3.Bucket)) ack(provider, `AwsSolutions-IAM5[Resource::${arnOf(bucket)}/*]`, reason);
  }
}

function logicalIdOf(construct: IConstruct): string {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(resource).getLogicalId(resource);
}

/** Whether every statement of the role's default policy that names "*" grants only resourceless actions. */
function onlyResourcelessWildcards(stack: Stack, role: iam.IRole | undefined): boolean {
  const policy = role?.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof iam.Policy)) return false;
  const document = stack.resolve(policy.document.toJSON()) as
    | { Statement?: { Action: string | string[]; Resource: unknown }[] }
    | undefined;
  const wildcard = (document?.Statement ?? []).filter((s) => [s.Resource].flat().includes('*'));
  return wildcard.length > 0 && wildcard.every((s) => [s.Action].flat().every((a) => RESOURCELESS_ACTIONS.has(a)));
}
