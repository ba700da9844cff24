import { connectionRepository } from '../../lambdas/core/live/connections';
import { createStore } from '../../lambdas/core/platform/store';
import { connectionRepositoryContract } from '../support/contracts/connection-repository-contract';
import { useTestTables } from '../support/local-dynamo';

connectionRepositoryContract('DynamoDB adapter on DynamoDB Local', async () => {
  const { client, tables } = await useTestTables();
  return connectionRepository(createStore(client, tables));
});
