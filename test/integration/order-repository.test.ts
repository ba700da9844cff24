import { orderRepository } from '../../lambdas/core/orders/order-store';
import { createStore } from '../../lambdas/core/platform/store';
import { orderRepositoryContract } from '../support/contracts/order-repository-contract';
import { useTestTables } from '../support/local-dynamo';

orderRepositoryContract('DynamoDB adapter on DynamoDB Local', async (clock) => {
  const { client, tables } = await useTestTables();
  return orderRepository(createStore(client, tables, { now: () => clock.now }));
});
