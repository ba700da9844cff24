import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ORDER_ENDINGS } from '../../contract/stream-consumers';
import type { StreamEventSourceSettings } from '../../contract/stream-settings';
import { BROADCASTER } from '../../contract/ws-routes';
import type { DeadLetter } from '../../local/faults/fault-switch';
import { type BatchFault, deliverBatch } from '../../local/stream-delivery';

/** Lambda's event source mapping semantics for one batch, with hand-made records and handlers. */

const NOW = 1_800_000_000_000;
const record = (n: number, ageSeconds = 0): DynamoDBRecord => ({
  eventName: 'MODIFY',
  dynamodb: {
    Keys: { orderId: { S: `o-${n}` } },
    SequenceNumber: String(1000 + n),
    ApproximateCreationDateTime: Math.floor((NOW - ageSeconds * 1000) / 1000),
  },
});
const batch = (n: number) => Array.from({ length: n }, (_, i) => record(i));
const idsOf = (event: DynamoDBStreamEvent) => event.Records.map((r) => Number(r.dynamodb!.SequenceNumber) - 1000);

function run(
  records: DynamoDBRecord[],
  settings: StreamEventSourceSettings,
  // biome-ignore lint/suspicious/noConfusingVoidType: the Lambda stream-handler signature (@types/aws-lambda) returns void when there is no batch response.
  handle: (ids: number[], call: number) => DynamoDBBatchResponse | void,
  batchFault?: BatchFault,
) {
  const calls: number[][] = [];
  const deadLetters: DeadLetter[] = [];
  const done = deliverBatch(records, {
    consumer: 'test',
    streamArn: 'arn:stream',
    settings,
    handler: async (event) => {
      calls.push(idsOf(event));
      return handle(idsOf(event), calls.length);
    },
    deadLetter: (letter) => deadLetters.push(letter),
    ...(batchFault ? { batchFault } : {}),
    retryDelayMillis: () => 0,
    now: () => NOW,
  });
  return done.then(() => ({ calls, deadLetters }));
}

const BASE: StreamEventSourceSettings = {
  batchSize: 100,
  bisectBatchOnError: false,
  retryAttempts: 2,
  reportBatchItemFailures: false,
};

describe('stream batch delivery (Lambda event source semantics)', () => {
  it('delivers a batch once when the handler succeeds', async () => {
    const { calls, deadLetters } = await run(batch(3), BASE, () => undefined);
    expect(calls).toEqual([[0, 1, 2]]);
    expect(deadLetters).toEqual([]);
  });

  it('retries a failing batch retryAttempts times, then dead-letters it with its keys', async () => {
    const { calls, deadLetters } = await run(batch(3), { ...BASE, retryAttempts: 5 }, () => {
      throw new Error('down');
    });
    expect(calls).toHaveLength(6);
    expect(deadLetters).toEqual([
      expect.objectContaining({
        consumer: 'test',
        reason: 'RetriesExhausted',
        keys: [{ orderId: { S: 'o-0' } }, { orderId: { S: 'o-1' } }, { orderId: { S: 'o-2' } }],
        firstSequenceNumber: '1000',
        lastSequenceNumber: '1002',
      }),
    ]);
  });

  it('recovers when a retry succeeds (at-least-once: the batch is delivered again)', async () => {
    const { calls, deadLetters } = await run(batch(2), BASE, (_, call) => {
      if (call === 1) throw new Error('blip');
    });
    expect(calls).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(deadLetters).toEqual([]);
  });

  it('bisects on error to isolate a poison record; only it is dead-lettered, the rest in order', async () => {
    const { calls, deadLetters } = await run(batch(8), { ...BASE, bisectBatchOnError: true }, (ids) => {
      if (ids.includes(5)) throw new Error('poison');
    });
    const delivered = calls.filter((ids) => !ids.includes(5)).flat();
    expect(delivered).toEqual([0, 1, 2, 3, 4, 6, 7]);
    // The poison record alone: its first try plus two retries, then the dead letters.
    expect(calls.filter((ids) => ids.length === 1 && ids[0] === 5)).toHaveLength(3);
    expect(deadLetters.map((letter) => letter.keys)).toEqual([[{ orderId: { S: 'o-5' } }]]);
  });

  it('with ReportBatchItemFailures, retries from the first failed record only', async () => {
    const settings = { ...BASE, reportBatchItemFailures: true };
    const { calls } = await run(batch(6), settings, (_ids, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: '1004' }, { itemIdentifier: '1003' }] } : undefined,
    );
    expect(calls).toEqual([
      [0, 1, 2, 3, 4, 5],
      [3, 4, 5],
    ]);
  });

  it('ignores batchItemFailures when the mapping does not report them (as Lambda does)', async () => {
    const { calls } = await run(batch(3), BASE, () => ({ batchItemFailures: [{ itemIdentifier: '1001' }] }));
    expect(calls).toEqual([[0, 1, 2]]);
  });

  it('treats an unknown item identifier as a failure of the whole batch', async () => {
    const settings = { ...BASE, reportBatchItemFailures: true };
    const { calls } = await run(batch(2), settings, (_, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : undefined,
    );
    expect(calls).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('drops records past the maximum record age to the dead letters, delivers the rest', async () => {
    const records = [record(0, 120), record(1, 90), record(2, 1)];
    const { calls, deadLetters } = await run(records, { ...BASE, maxRecordAgeSeconds: 60 }, () => undefined);
    expect(calls).toEqual([[2]]);
    expect(deadLetters).toEqual([
      expect.objectContaining({ reason: 'RecordTooOld', keys: [{ orderId: { S: 'o-0' } }, { orderId: { S: 'o-1' } }] }),
    ]);
  });

  it('fails injected batches before or after the handler ran (the latter delivers twice)', async () => {
    const faults: ReturnType<BatchFault>[] = ['before', 'after', undefined];
    const { calls, deadLetters } = await run(
      batch(2),
      BASE,
      () => undefined,
      () => faults.shift(),
    );
    // before: the handler never saw attempt 1; after: it ran (attempt 2), its answer lost; attempt 3 ok.
    expect(calls).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(deadLetters).toEqual([]);
  });

  it('uses the consumers’ own settings, shared with the CDK stack', () => {
    expect(BROADCASTER.eventSource).toMatchObject({
      retryAttempts: 2,
      bisectBatchOnError: true,
      maxRecordAgeSeconds: 60,
      reportBatchItemFailures: true,
    });
    expect(ORDER_ENDINGS.eventSource).toMatchObject({ retryAttempts: 5, bisectBatchOnError: true });
  });
});
