import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { writeIf } from '../../lambdas/core/platform/conditional-write';
import { awsFault, mockedStore } from '../support/sdk-mock';

describe('writeIf', () => {
  const { doc, store } = mockedStore();
  const write = () =>
    writeIf(store, new UpdateCommand({ TableName: 't', Key: { id: '1' }, UpdateExpression: 'SET a = :a' }));
  afterEach(() => doc.reset());

  it('true when written, false when its condition failed', async () => {
    doc
      .on(UpdateCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'no', ...awsFault() }));
    expect(await write()).toBe(true);
    expect(await write()).toBe(false);
  });

  it('a throttle is never read as a failed condition', async () => {
    doc.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', ...awsFault() }));
    await expect(write()).rejects.toThrow('slow down');
  });
});
