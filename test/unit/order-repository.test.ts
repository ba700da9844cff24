import { orderRepositoryContract } from '../support/contracts/order-repository-contract';
import { FakeOrderRepository } from '../support/fakes/fake-order-repository';

orderRepositoryContract('in-memory fake', async (clock) => new FakeOrderRepository(() => clock.now));
