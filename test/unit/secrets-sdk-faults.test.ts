import {
  GetSecretValueCommand,
  InternalServiceError,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../lambdas/core/platform/config';
import { logger } from '../../lambdas/core/platform/logger';
import { createSecrets, SECRET_CACHE_MS } from '../../lambdas/core/platform/secrets';

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
const KEY_1 = 'key-1-long-enough-to-sign';
const KEY_2 = 'key-2-long-enough-to-sign';

/** Secrets as a handler's platform makes them (default fetcher: the real SDK client, mocked), on a settable clock and ARN. */
function secretsOn(arn = ARN) {
  const clock = { now: 0, arn };
  const settings = () => parseConfig({ TICKET_SIGNING_KEY_SECRET_ARN: clock.arn }).secrets;
  return { clock, secrets: createSecrets(settings, { now: () => clock.now }) };
}

beforeEach(() => {
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

describe('secrets fetched from Secrets Manager', () => {
  it('fetches the value by ARN once and serves it from the cache until it is due', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: KEY_1 });
    const { clock, secrets } = secretsOn();
    expect(await secrets.ticketSigningKey()).toBe(KEY_1);
    clock.now = SECRET_CACHE_MS - 1;
    expect(await secrets.ticketSigningKey()).toBe(KEY_1);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input.SecretId).toBe(ARN);
  });

  it('a throttled first fetch fails clearly (naming the key, the cause kept), caches nothing, and is tried again', async () => {
    const error = throttled();
    sm.on(GetSecretValueCommand).rejectsOnce(error).resolves({ SecretString: KEY_1 });
    const { clock, secrets } = secretsOn();

    const thrown = await rejection(secrets.ticketSigningKey());
    expect(thrown.message).toContain('TICKET_SIGNING_KEY');
    expect(thrown.message).toContain('Rate exceeded');
    expect(thrown.cause).toBe(error);

    clock.now = 1;
    expect(await secrets.ticketSigningKey()).toBe(KEY_1);
  });

  it('a secret without a string value (binary only) is a clear error', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });
    const thrown = await rejection(secretsOn().secrets.ticketSigningKey());
    expect(thrown.message).toContain('has no string value');
  });

  it('a refresh that fails keeps the value already fetched (logged), and tries again a little later', async () => {
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: KEY_1 })
      .rejectsOnce(new InternalServiceError({ message: 'Internal failure', ...meta(500) }))
      .resolves({ SecretString: KEY_2 });
    const { clock, secrets } = secretsOn();
    expect(await secrets.ticketSigningKey()).toBe(KEY_1);

    clock.now = SECRET_CACHE_MS; // due: Secrets Manager fails
    expect(await secrets.ticketSigningKey()).toBe(KEY_1);
    expect(logger.warn).toHaveBeenCalled();

    clock.now = SECRET_CACHE_MS + 1; // not at every invocation
    expect(await secrets.ticketSigningKey()).toBe(KEY_1);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);

    clock.now = SECRET_CACHE_MS + 60_000;
    expect(await secrets.ticketSigningKey()).toBe(KEY_2);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('a failed fetch for a changed ARN (another secret) never keeps serving the old secret', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: KEY_1 }).rejects(throttled());
    const { clock, secrets } = secretsOn();
    expect(await secrets.ticketSigningKey()).toBe(KEY_1);
    clock.arn = `${ARN}-other`;
    clock.now = 1;
    expect((await rejection(secrets.ticketSigningKey())).message).toContain('TICKET_SIGNING_KEY');
  });
});
