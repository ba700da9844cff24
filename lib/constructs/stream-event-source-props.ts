import { Duration } from 'aws-cdk-lib';
import type { DynamoEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { StreamEventSourceSettings } from '../../contract/stream-settings';

/** The CDK event source properties of the shared settings (the rest — start, filters, DLQ — stays with the construct). */
export function eventSourceProps(
  settings: StreamEventSourceSettings,
): Pick<
  DynamoEventSourceProps,
  | 'batchSize'
  | 'maxBatchingWindow'
  | 'bisectBatchOnError'
  | 'retryAttempts'
  | 'maxRecordAge'
  | 'reportBatchItemFailures'
> {
  return {
    batchSize: settings.batchSize,
    ...(settings.maxBatchingWindowSeconds !== undefined && {
      maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds),
    }),
    bisectBatchOnError: settings.bisectBatchOnError,
    retryAttempts: settings.retryAttempts,
    ...(settings.maxRecordAgeSeconds !== undefined && { maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds) }),
    ...(settings.reportBatchItemFailures && { reportBatchItemFailures: true }),
  };
}
