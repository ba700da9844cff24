import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/core/platform/config';
import { createSecrets, SECRET_CACHE_MS } from '../../lambdas/core/platform/secrets';

describe('secrets', () => {
  const fetcher = () => {
    const calls: string[] = [];
    let version = 0;
    return {
      calls,
      fetch: async (arn: string) => {
        calls.push(arn);
        return `value-of-${arn}-${++version}-padded-to-16`;
      },
    };
  };
  const clock = (start: number) => {
    const time = { now: start };
    return { time, now: () => time.now };
  };
  const secretsOf = (env: Record<string, string>, fetch: (arn: string) => Promise<string>, now: () => number) => {
    const { secrets } = parseConfig(env);
    return createSecrets(() => secrets, { fetch, now });
  };

  it('takes a plain value when the configuration gives one, and never fetches it', async () => {
    const { calls, fetch } = fetcher();
    const { time, now } = clock(0);
    const secrets = secretsOf(
      { SESSION_SIGNING_KEY: 'plain', SESSION_SIGNING_KEY_SECRET_ARN: 'arn:session' },
      fetch,
      now,
    );
    expect(await secrets.sessionSigningKey()).toBe('plain');
    time.now = SECRET_CACHE_MS * 10;
    expect(await secrets.get('SESSION_SIGNING_KEY')).toBe('plain');
    expect(calls).toEqual([]);
  });

  it('fetches a secret given by ARN, once, and again after the cache time', async () => {
    const { calls, fetch } = fetcher();
    const { time, now } = clock(1_000);
    const secrets = secretsOf(
      { ADMIN_API_KEY_SECRET_ARN: 'arn:admin', TICKET_SIGNING_KEY_SECRET_ARN: 'arn:ticket' },
      fetch,
      now,
    );
    const admin = await secrets.adminApiKey();
    expect(admin).toMatch(/^value-of-arn:admin/);
    expect(await secrets.ticketSigningKey()).toMatch(/^value-of-arn:ticket/);
    expect(calls.sort()).toEqual(['arn:admin', 'arn:ticket']);

    time.now = 1_000 + SECRET_CACHE_MS - 1;
    await Promise.all([secrets.adminApiKey(), secrets.ticketSigningKey()]);
    expect(calls).toHaveLength(2);

    time.now = 1_000 + SECRET_CACHE_MS;
    expect(await secrets.adminApiKey()).not.toBe(admin); // a rotated key is picked up
    expect(calls).toHaveLength(3);
  });

  it('fetches once for concurrent first uses', async () => {
    const { calls, fetch } = fetcher();
    const secrets = secretsOf({ ADMIN_API_KEY_SECRET_ARN: 'arn:admin' }, fetch, () => 0);
    await Promise.all([secrets.adminApiKey(), secrets.adminApiKey(), secrets.adminApiKey()]);
    expect(calls).toEqual(['arn:admin']);
  });

  it('without a value or an ARN: no admin key, and the signing keys fail clearly', async () => {
    const { calls, fetch } = fetcher();
    const secrets = secretsOf({ TICKET_SIGNING_KEY: 'short' }, fetch, () => 0);
    expect(await secrets.adminApiKey()).toBeUndefined();
    await expect(secrets.sessionSigningKey()).rejects.toThrow('Missing environment variable SESSION_SIGNING_KEY');
    await expect(secrets.ticketSigningKey()).rejects.toThrow('TICKET_SIGNING_KEY must be set (16 characters or more)');
    expect(calls).toEqual([]);
  });
});
