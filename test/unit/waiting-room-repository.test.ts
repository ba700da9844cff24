import { waitingRoomRepositoryContract } from '../support/contracts/waiting-room-repository-contract';
import { FakeWaitingRoomRepository } from '../support/fakes/fake-waiting-room-repository';

waitingRoomRepositoryContract('in-memory fake', async () => new FakeWaitingRoomRepository());
