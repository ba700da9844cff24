import { createStore } from '../../lambdas/core/platform/store';
import { waitingRoomRepository } from '../../lambdas/core/waiting-room/waiting-room-store';
import { waitingRoomRepositoryContract } from '../support/contracts/waiting-room-repository-contract';
import { useTestTables } from '../support/local-dynamo';

waitingRoomRepositoryContract('DynamoDB adapter on DynamoDB Local', async () => {
  const { client, tables } = await useTestTables();
  return waitingRoomRepository(createStore(client, tables));
});
