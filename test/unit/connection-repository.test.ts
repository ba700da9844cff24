import { describe, expect, it } from 'vitest';
import { CONNECTION_TTL_SECONDS, newConnection } from '../../lambdas/core/live/connection-repository';
import { connectionRepositoryContract } from '../support/contracts/connection-repository-contract';
import { FakeConnectionRepository } from '../support/fakes/fake-connection-repository';

connectionRepositoryContract('in-memory fake', async () => new FakeConnectionRepository());

describe('a new connection', () => {
  it('expires (TTL, epoch seconds) when API Gateway would close it anyway; only an operator’s carries an operator id', () => {
    expect(newConnection({ connectionId: 'c1', operatorId: 'op1' }, 1_700_000_000_500)).toEqual({
      connectionId: 'c1',
      operatorId: 'op1',
      connectedAt: 1_700_000_000_500,
      expiresAt: 1_700_000_000 + CONNECTION_TTL_SECONDS,
    });
    expect(newConnection({ connectionId: 'c2' }, 0)).not.toHaveProperty('operatorId');
  });
});
