import {
  GetSecretValueCommand,
  InternalServiceError,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lambdas/core/platform/logger';
import { forgetFetchedSecrets, loadSecrets, SECRET_CACHE_MS } from '../../lambdas/core/platform/secrets';

/**
 * Secrets fetched from Secrets Manager (mocked SDK client) when Secrets Manager throttles or
 * fails: a first fetch fails clearly (naming the variable) and is tried again on the next call;
 * a refresh that fails keeps the value already fetched, so a blip never fails the invocations
 * (ticket issuing, sessions) that a good cached key can serve.
 */

const sm = mockClient(SecretsManagerClient);
const meta = (status: number) => ({ $metadata: { httpStatusCode: status, requestId: 'r-1', attempts: 3 } });
const throttled = () =>
  new SecretsManagerServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    message: 'Rate exceeded',
    ...meta(400),
  });
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ticket-key';

beforeEach(() => {
  forgetFetchedSecrets();
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  sm.reset();
  vi.restoreAllMocks();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('loadSecrets with Secrets Manager', () => {
  it('fetches the value by ARN once and serves it from the cache until it is due', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'key-1' });
    const env: NodeJS.ProcessEnv = { TICKET_SIGNING_KEY_SECRET_ARN: ARN };
    await loadSecrets(env, { now: 0 });
    await loadSecrets(env, { now: SECRET_CACHE_MS - 1 });
    expect(env.TICKET_SIGNING_KEY).toBe('key-1');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input.SecretId).toBe(ARN);
  });

  it('a throttled first fetch fails clearly (naming the variable, the cause kept), caches nothing, and is tried again', async () => {
    const error = throttled();
    sm.on(GetSecretValueCommand).rejectsOnce(error).resolves({ SecretString: 'key-1' });
    const env: NodeJS.ProcessEnv = { TICKET_SIGNING_KEY_SECRET_ARN: ARN };

    const thrown = await rejection(loadSecrets(env, { now: 0 }));
    expect(thrown.message).toContain('TICKET_SIGNING_KEY');
    expect(thrown.message).toContain('Rate exceeded');
    expect(thrown.cause).toBe(error);
    expect(env.TICKET_SIGNING_KEY).toBeUndefined();

    await loadSecrets(env, { now: 1 });
    expect(env.TICKET_SIGNING_KEY).toBe('key-1');
  });

  it('a secret without a string value (binary only) is a clear error', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });
    const thrown = await rejection(loadSecrets({ TICKET_SIGNING_KEY_SECRET_ARN: ARN }, { now: 0 }));
    expect(thrown.message).toContain('has no string value');
  });

  it('a refresh that fails keeps the value already fetched (logged), and tries again a little later', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'key-1' })
      .rejectsOnce(new InternalServiceError({ message: 'Internal failure', ...meta(500) }))
      .resolves({ SecretString: 'key-2' });
    const env: NodeJS.ProcessEnv = { TICKET_SIGNING_KEY_SECRET_ARN: ARN };
    await loadSecrets(env, { now: 0 });

    await loadSecrets(env, { now: SECRET_CACHE_MS }); // due: Secrets Manager fails
    expect(env.TICKET_SIGNING_KEY).toBe('key-1');
    expect(logger.warn).toHaveBeenCalled();

    await loadSecrets(env, { now: SECRET_CACHE_MS + 1 }); // not at every invocation
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);

    await loadSecrets(env, { now: SECRET_CACHE_MS + 60_000 });
    expect(env.TICKET_SIGNING_KEY).toBe('key-2');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('a failed fetch for a changed ARN (another secret) never keeps serving the old secret', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'key-1' }).rejects(throttled());
    const env: NodeJS.ProcessEnv = { TICKET_SIGNING_KEY_SECRET_ARN: ARN };
    await loadSecrets(env, { now: 0 });
    env.TICKET_SIGNING_KEY_SECRET_ARN = `${ARN}-other`;
    expect((await rejection(loadSecrets(env, { now: 1 }))).message).toContain('TICKET_SIGNING_KEY');
  });
});
