import { beforeEach, describe, expect, it } from 'vitest';
import { forgetFetchedSecrets, loadSecrets, SECRET_CACHE_MS } from '../../lambdas/core/platform/secrets';

describe('loadSecrets', () => {
  beforeEach(() => forgetFetchedSecrets());

  const fetcher = () => {
    const calls: string[] = [];
    let version = 0;
    return {
      calls,
      fetch: async (arn: string) => {
        calls.push(arn);
        return `value-of-${arn}-${++version}`;
      },
    };
  };

  it('takes a plain value when the environment gives one, and never fetches it', async () => {
    const env: NodeJS.ProcessEnv = { SESSION_SIGNING_KEY: 'plain', SESSION_SIGNING_KEY_SECRET_ARN: 'arn:session' };
    const { calls, fetch } = fetcher();
    await loadSecrets(env, { fetch, now: 0 });
    await loadSecrets(env, { fetch, now: SECRET_CACHE_MS * 10 });
    expect(env.SESSION_SIGNING_KEY).toBe('plain');
    expect(calls).toEqual([]);
  });

  it('fetches a secret given by ARN into its variable, once, and again after the cache time', async () => {
    const env: NodeJS.ProcessEnv = {
      ADMIN_API_KEY_SECRET_ARN: 'arn:admin',
      TICKET_SIGNING_KEY_SECRET_ARN: 'arn:ticket',
      OTHER: 'x',
    };
    const { calls, fetch } = fetcher();
    await loadSecrets(env, { fetch, now: 1_000 });
    expect(env.ADMIN_API_KEY).toMatch(/^value-of-arn:admin/);
    expect(env.TICKET_SIGNING_KEY).toMatch(/^value-of-arn:ticket/);
    expect(calls.sort()).toEqual(['arn:admin', 'arn:ticket']);

    await loadSecrets(env, { fetch, now: 1_000 + SECRET_CACHE_MS - 1 });
    expect(calls).toHaveLength(2);

    const before = env.ADMIN_API_KEY;
    await loadSecrets(env, { fetch, now: 1_000 + SECRET_CACHE_MS });
    expect(calls).toHaveLength(4);
    expect(env.ADMIN_API_KEY).not.toBe(before); // a rotated key is picked up
  });

  it('does nothing without *_SECRET_ARN variables', async () => {
    const { calls, fetch } = fetcher();
    await loadSecrets({ EVENTS_TABLE: 'events' }, { fetch });
    expect(calls).toEqual([]);
  });
});
