import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { limitCounter } from '../../lambdas/core/access/limit-counter-store';
import { awsFault, mockedStore, rawItem } from '../support/sdk-mock';

/**
 * The limits counter's take under answers DynamoDB Local cannot be made to give in order: another
 * instance's take landing between a refusal and the retry, a refusal without the item, a throttle
 * on the retry. What it asks each time is read from the commands sent.
 */

const { doc, store } = mockedStore();
afterEach(() => doc.reset());

const refusedAt = (count: number | undefined) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    ...awsFault(),
    ...(count === undefined ? {} : { Item: rawItem({ limitKey: 'k', count, expiresAt: 1 }) }),
  });
const asked = () =>
  doc.commandCalls(UpdateCommand).map((call) => call.args[0].input.ExpressionAttributeValues?.[':units']);

describe('limitCounter take', () => {
  it('asks for the lease, then for what the refusal says remains, again after another take landed', async () => {
    doc
      .on(UpdateCommand)
      .rejectsOnce(refusedAt(95)) // 5 left
      .rejectsOnce(refusedAt(98)) // another instance took 3 meanwhile: 2 left
      .resolvesOnce({});
    expect(await limitCounter(store).take('k', 10, 100, 1)).toBe(2);
    expect(asked()).toEqual([10, 5, 2]);
    expect(doc.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#count) OR #count <= :most',
      ExpressionAttributeValues: { ':units': 10, ':most': 90 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('gives 0 when the refusal says the window is full: one request', async () => {
    doc.on(UpdateCommand).rejectsOnce(refusedAt(100));
    expect(await limitCounter(store).take('k', 10, 100, 1)).toBe(0);
    expect(asked()).toEqual([10]);
  });

  it('ends even when refusals carry no item: each retry asks for one unit fewer', async () => {
    doc.on(UpdateCommand).rejects(refusedAt(undefined));
    expect(await limitCounter(store).take('k', 3, 100, 1)).toBe(0);
    expect(asked()).toEqual([3, 2, 1]);
  });

  it('lets a throttle of the retry propagate (never read as "full")', async () => {
    doc
      .on(UpdateCommand)
      .rejectsOnce(refusedAt(95))
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', ...awsFault() }));
    await expect(limitCounter(store).take('k', 10, 100, 1)).rejects.toThrow('slow down');
  });
});
