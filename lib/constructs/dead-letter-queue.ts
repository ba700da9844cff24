import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Where a stream consumer's event source records the batches it gave up on (shard and sequence
 * range, not the records): kept two weeks, encrypted, TLS only.
 */
export function streamDeadLetterQueue(scope: Construct, id = 'DeadLetters'): sqs.Queue {
  return new sqs.Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
  });
}
