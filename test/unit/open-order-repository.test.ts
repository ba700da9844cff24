import { openOrderRepositoryContract } from '../support/contracts/open-order-repository-contract';
import { FakeOpenOrderRepository } from '../support/fakes/fake-open-order-repository';

openOrderRepositoryContract('in-memory fake', async () => new FakeOpenOrderRepository());
