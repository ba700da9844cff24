import { SecretValue } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { Stage } from '../stage';

/** The API's generated secrets: the key that signs buyer sessions and the operators' admin key. */
export class ApiSecrets extends Construct {
  readonly sessionSigningKey: secretsmanager.Secret;
  readonly adminApiKey: secretsmanager.Secret;

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
  }

  /**
   * A secret as a Lambda environment value. Interim, like the ticket signing key: resolved at
   * deploy time into the function's configuration (see README, limits); run-time fetching is issue #7.
   */
  static asEnvironmentValue(secret: secretsmanager.ISecret): string {
    return SecretValue.secretsManager(secret.secretArn).unsafeUnwrap();
  }
}
