import { logger } from './logger';

/**
 * Secrets at run time. Code reads a key from its variable (`SESSION_SIGNING_KEY`, ...). Where the
 * environment gives the value itself (the local stack, tests) that is all; where it gives only
 * `<NAME>_SECRET_ARN` (the CDK stack: nothing secret in the function's configuration), the value
 * is fetched from Secrets Manager into the variable on first use and refreshed every few minutes,
 * so a rotated key is picked up without a redeploy. Configuration decides, not where we run.
 * A refresh that fails keeps the value fetched before (a Secrets Manager blip must not fail
 * invocations a good key can serve); a first fetch that fails is an error naming the variable.
 */

/** A fetched value is trusted this long; then the next invocation fetches it again. */
export const SECRET_CACHE_MS = 5 * 60_000;

/** After a failed refresh, the value fetched before serves this long before the next try. */
export const SECRET_RETRY_MS = 30_000;

const ARN_SUFFIX = '_SECRET_ARN';

export type SecretFetcher = (secretArn: string) => Promise<string>;

interface Cached {
  readonly arn: string;
  readonly fetchedAt: number;
}

/** Variables this process filled from Secrets Manager (a plain value set by configuration is never refetched). */
const fetched = new Map<string, Cached>();

/**
 * Fills every `<NAME>` whose `<NAME>_SECRET_ARN` is set and whose value is not given plainly.
 * Cheap when nothing is due: call it at the start of each invocation.
 */
export async function loadSecrets(
  env: NodeJS.ProcessEnv = process.env,
  options: { now?: number; fetch?: SecretFetcher } = {},
): Promise<void> {
  const now = options.now ?? Date.now();
  const due = Object.entries(env)
    .filter(([key, arn]) => key.endsWith(ARN_SUFFIX) && arn)
    .map(([key, arn]) => ({ name: key.slice(0, -ARN_SUFFIX.length), arn: arn! }))
    .filter(({ name, arn }) => {
      const cached = fetched.get(name);
      if (cached) return cached.arn !== arn || now - cached.fetchedAt >= SECRET_CACHE_MS;
      return !env[name]; // given plainly: configuration wins
    });
  if (due.length === 0) return;
  const fetch = options.fetch ?? fetchFromSecretsManager;
  await Promise.all(
    due.map(async ({ name, arn }) => {
      let value: string;
      try {
        value = await fetch(arn);
      } catch (error) {
        const cached = fetched.get(name);
        if (cached?.arn === arn && env[name]) {
          // A refresh failed (throttled, Secrets Manager down): the value fetched before still
          // serves; try again a little later rather than at every invocation.
          logger.warn('Could not refresh a secret; keeping the value fetched before', { name, error: error as Error });
          fetched.set(name, { arn, fetchedAt: now - SECRET_CACHE_MS + SECRET_RETRY_MS });
          return;
        }
        throw new Error(`Could not fetch ${name} from Secrets Manager: ${(error as Error).message}`, { cause: error });
      }
      env[name] = value;
      fetched.set(name, { arn, fetchedAt: now });
    }),
  );
}

/** For tests: forget what was fetched. */
export function forgetFetchedSecrets(): void {
  fetched.clear();
}

let client: import('@aws-sdk/client-secrets-manager').SecretsManagerClient | undefined;

/** Loaded on demand: a process given plain values (local, tests) never loads the client. */
async function fetchFromSecretsManager(secretArn: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  client ??= new SecretsManagerClient({});
  const answer = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (!answer.SecretString) throw new Error(`Secret ${secretArn} has no string value`);
  return answer.SecretString;
}
