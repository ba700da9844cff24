/**
 * How Lambda reads a DynamoDB stream for one consumer (its event source mapping), as plain data:
 * the CDK constructs (lib/realtime/broadcaster-function.ts, lib/waiting-room/slot-release-consumer.ts) configure AWS from
 * it, and the local stack's stream feed (local/stream-delivery.ts) behaves by it — one place for
 * the numbers.
 */
export interface StreamEventSourceSettings {
  /** Records per invocation at most. */
  readonly batchSize: number;
  /** How long Lambda gathers records before it invokes (0 = at once). */
  readonly maxBatchingWindowSeconds?: number;
  /** On a function error, split the batch in two and retry the halves (does not use up retries). */
  readonly bisectBatchOnError: boolean;
  /** Retries of a failed batch before it goes to the on-failure destination. */
  readonly retryAttempts: number;
  /** Records older than this are not delivered any more (sent to the on-failure destination). */
  readonly maxRecordAgeSeconds?: number;
  /** The function may answer `batchItemFailures`; Lambda then retries from the first failed record. */
  readonly reportBatchItemFailures: boolean;
}
