import { openOrderRepository } from '../../lambdas/core/orders/open-order-store';
import { createStore } from '../../lambdas/core/platform/store';
import { openOrderRepositoryContract } from '../support/contracts/open-order-repository-contract';
import { useTestTables } from '../support/local-dynamo';

openOrderRepositoryContract('DynamoDB adapter on DynamoDB Local', async () => {
  const { client, tables } = await useTestTables();
  return openOrderRepository(createStore(client, tables));
});
