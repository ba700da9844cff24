import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { Stage } from '../stage';

/** The API's generated secrets: the key that signs buyer sessions and the operators' admin key. */
export class ApiSecrets extends Construct {
  readonly sessionSigningKey: secretsmanager.Secret;
  readonly adminApiKey: secretsmanager.Secret;
  /**
   * CloudFront's proof on `/api/*` requests (an origin custom header): with it the handlers believe
   * the viewer address CloudFront passes on (contract/request-limits.ts `EDGE_HEADERS`).
   */
  readonly edgeKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: { stage: Stage }) {
    super(scope, id);
    const generated = (secretId: string, description: string) =>
      new secretsmanager.Secret(this, secretId, {
        description,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy: props.stage.removalPolicy,
      });
    this.sessionSigningKey = generated('SessionSigningKey', 'HS256 key that signs anonymous buyer sessions');
    this.adminApiKey = generated('AdminApiKey', 'Operator credential for admin API calls (x-admin-key header)');
    this.edgeKey = generated('EdgeKey', 'Proof that an /api/* request came through CloudFront (origin custom header)');
  }

  /**
   * Hands a secret to a function for run-time reading (`lambdas/core/platform/secrets.ts`): the function's
   * configuration carries only `<variable>_SECRET_ARN`, and the function may read that one secret
   * (`GetSecretValue`, nothing else, on nothing else). The value never enters the template.
   */
  static provide(fn: lambda.IFunction, variable: string, secret: secretsmanager.ISecret): void {
    if (!(fn instanceof lambda.Function))
      throw new Error(`${fn.node.path}: cannot set environment variables on an imported function`);
    fn.addEnvironment(`${variable}_SECRET_ARN`, secret.secretArn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
  }
}
