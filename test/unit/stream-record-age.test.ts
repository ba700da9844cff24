import { describe, expect, it } from 'vitest';
import { toLambdaRecord } from '../../local/stream-feed';

/**
 * DynamoDB Local stamps stream records to the minute (AWS: to the second). Taken as it is, a record
 * written in a minute's last second looked 60 s old a moment later and the broadcaster's one-minute
 * maximum record age dropped it as "RecordTooOld" (seen in `npm run bench:sellout`).
 */
describe('the local stream feed dates a record', () => {
  const minute = Date.parse('2026-11-30T12:00:00Z');
  const record = {
    eventID: '1',
    eventName: 'MODIFY' as const,
    dynamodb: { ApproximateCreationDateTime: new Date(minute) },
  };
  const createdAt = (readAt: number) =>
    (toLambdaRecord(record, 'arn:stream', 'us-east-1', readAt).dynamodb?.ApproximateCreationDateTime ?? 0) * 1000;

  it('no later than the feed read it: a fresh record is fresh', () => {
    const readAt = minute + 59_500;
    expect(createdAt(readAt)).toBe(minute + 59_000);
    expect(readAt + 1_000 - createdAt(readAt)).toBeLessThan(60_000); // a second later it is not "too old"
  });

  it('no later than its minute: a record read after a long backlog still shows its age', () => {
    expect(createdAt(minute + 5 * 60_000)).toBe(minute + 59_000);
  });

  it('never earlier than DynamoDB Local says', () => {
    expect(createdAt(minute - 1_000)).toBe(minute);
  });
});
