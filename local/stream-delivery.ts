import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamEventSourceSettings } from '../contract/stream-settings';
import { logger } from '../lambdas/core/platform/logger';
import type { DeadLetter } from './faults/fault-switch';

/**
 * What Lambda's DynamoDB event source mapping does with one batch of a shard, with a consumer's
 * own settings (contract/stream-settings.ts):
 *  - a function error retries the batch; with bisect on, the batch is split in two first (the
 *    halves in order; splitting does not use up retries);
 *  - with ReportBatchItemFailures, `batchItemFailures` checkpoints the records before the first
 *    failed one and retries from there (an unknown identifier fails the whole batch);
 *  - records older than the maximum record age are not delivered any more;
 *  - when the retries run out, the batch goes to the on-failure destination — locally a
 *    dead-letter list (logged at error level with the records' keys) — and the shard moves on.
 * A shard's next batch waits until this one is done, so records stay in order per shard, and a
 * retried batch may deliver records again: consumers must be idempotent, as on AWS.
 */

// biome-ignore lint/suspicious/noConfusingVoidType: the Lambda stream-handler signature (@types/aws-lambda) returns void when there is no batch response.
export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

/** Fault injection: does this invocation of the consumer fail, and before or after the handler ran? */
export type BatchFault = (consumer: string) => 'before' | 'after' | undefined;

export interface BatchDeliveryOptions {
  /** Names the consumer in logs and dead letters (e.g. `broadcaster`). */
  readonly consumer: string;
  readonly streamArn: string;
  readonly settings: StreamEventSourceSettings;
  readonly handler: StreamHandler;
  readonly deadLetter: (letter: DeadLetter) => void;
  readonly batchFault?: BatchFault;
  /** Wait before retry n (1, 2, …); Lambda backs off too. Default 100 ms doubling, at most 2 s. */
  readonly retryDelayMillis?: (retry: number) => number;
  readonly now?: () => number;
  /** Stops retrying (the feed is stopping). */
  readonly signal?: AbortSignal;
}

type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'partial'; readonly from: number };

/** A failure injected by the fault switch (stream.batchFailed), as the handler would have thrown it. */
export class InjectedBatchFailure extends Error {
  constructor(when: 'before' | 'after') {
    super(`Injected fault stream.batchFailed (${when} the handler ran)`);
    this.name = 'InjectedBatchFailure';
  }
}

export async function deliverBatch(records: readonly DynamoDBRecord[], options: BatchDeliveryOptions): Promise<void> {
  await deliver(records, options.settings.retryAttempts, options);
}

async function deliver(
  batch: readonly DynamoDBRecord[],
  retriesLeft: number,
  options: BatchDeliveryOptions,
): Promise<void> {
  let pending = batch;
  let retries = retriesLeft;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (options.signal?.aborted) return;
    pending = dropTooOld(pending, options);
    if (pending.length === 0) return;
    if (attempt > 0) await sleep((options.retryDelayMillis ?? defaultRetryDelay)(attempt), options.signal);
    const outcome = await invoke(pending, options);
    if (outcome.kind === 'ok') return;
    if (outcome.kind === 'partial') {
      pending = pending.slice(outcome.from); // the records before the first failure are checkpointed
    } else {
      logger.warn('Local stream feed: the handler failed; retrying the batch', {
        consumer: options.consumer,
        records: pending.length,
        retriesLeft: retries,
        error: outcome.error as Error,
      });
      if (options.settings.bisectBatchOnError && pending.length > 1) {
        const half = Math.ceil(pending.length / 2);
        await deliver(pending.slice(0, half), retries, options);
        await deliver(pending.slice(half), retries, options);
        return;
      }
    }
    if (retries === 0) return sendToDeadLetters(pending, 'RetriesExhausted', options);
    retries -= 1;
  }
}

async function invoke(records: readonly DynamoDBRecord[], options: BatchDeliveryOptions): Promise<Outcome> {
  const fault = options.batchFault?.(options.consumer);
  if (fault === 'before') return { kind: 'error', error: new InjectedBatchFailure('before') };
  // biome-ignore lint/suspicious/noConfusingVoidType: the Lambda stream-handler signature (@types/aws-lambda) returns void when there is no batch response.
  let response: DynamoDBBatchResponse | void;
  try {
    response = await options.handler({ Records: structuredClone([...records]) });
  } catch (error) {
    return { kind: 'error', error };
  }
  // The function did its work; its answer is lost (a timeout, a crash): the batch counts as failed.
  if (fault === 'after') return { kind: 'error', error: new InjectedBatchFailure('after') };
  // Without ReportBatchItemFailures Lambda ignores what the function returns.
  if (!options.settings.reportBatchItemFailures || !response || response.batchItemFailures.length === 0)
    return { kind: 'ok' };
  const failed = response.batchItemFailures.map((failure) =>
    records.findIndex(
      (record) => failure.itemIdentifier !== '' && record.dynamodb?.SequenceNumber === failure.itemIdentifier,
    ),
  );
  if (failed.some((index) => index < 0))
    return { kind: 'error', error: new Error('batchItemFailures names a record not in the batch') };
  return { kind: 'partial', from: Math.min(...failed) };
}

/** Records past the maximum record age leave the batch for the dead letters (the oldest come first). */
function dropTooOld(records: readonly DynamoDBRecord[], options: BatchDeliveryOptions): readonly DynamoDBRecord[] {
  const maxAge = options.settings.maxRecordAgeSeconds;
  if (maxAge === undefined) return records;
  const now = (options.now ?? Date.now)();
  const tooOld = (record: DynamoDBRecord) => {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    return created !== undefined && now - created * 1000 > maxAge * 1000;
  };
  const fresh = records.filter((record) => !tooOld(record));
  if (fresh.length < records.length) sendToDeadLetters(records.filter(tooOld), 'RecordTooOld', options);
  return fresh;
}

function sendToDeadLetters(
  records: readonly DynamoDBRecord[],
  reason: DeadLetter['reason'],
  options: BatchDeliveryOptions,
): void {
  const letter: DeadLetter = {
    consumer: options.consumer,
    streamArn: options.streamArn,
    reason,
    keys: records.map((record) => record.dynamodb?.Keys ?? {}),
    ...(records[0]?.dynamodb?.SequenceNumber && { firstSequenceNumber: records[0].dynamodb.SequenceNumber }),
    ...(records.at(-1)?.dynamodb?.SequenceNumber && { lastSequenceNumber: records.at(-1)!.dynamodb!.SequenceNumber }),
    at: new Date().toISOString(),
  };
  logger.error('Local stream feed: batch given up and sent to the dead-letter list', {
    ...letter,
    records: records.length,
  });
  options.deadLetter(letter);
}

function defaultRetryDelay(retry: number): number {
  return Math.min(2_000, 100 * 2 ** (retry - 1));
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}
