import type { SecretName, SecretSetting } from './config';
import { logger } from './logger';

/**
 * Secrets at run time. Configuration gives each key (`SESSION_SIGNING_KEY`, ...) either plainly
 * (the local stack, tests: that is all) or as `<NAME>_SECRET_ARN` (the CDK stack: nothing secret in
 * the function's configuration). A key given by ARN is fetched from Secrets Manager on first use
 * and again every few minutes, so a rotated key is picked up without a redeploy. Configuration
 * decides, not where we run. A refresh that fails keeps the value fetched before (a Secrets Manager
 * blip must not fail invocations a good key can serve); a first fetch that fails is an error naming
 * the key.
 */

/** A fetched value is trusted this long; then the next use fetches it again. */
export const SECRET_CACHE_MS = 5 * 60_000;

/** After a failed refresh, the value fetched before serves this long before the next try. */
export const SECRET_RETRY_MS = 30_000;

export type SecretFetcher = (secretArn: string) => Promise<string>;

export interface Secrets {
  /** The key's value; undefined when configuration gives neither the value nor its ARN. */
  get(name: SecretName): Promise<string | undefined>;
  /** The operators' key (`x-admin-key`); undefined when not configured (every admin call is refused). */
  adminApiKey(): Promise<string | undefined>;
  /** The key that signs buyer sessions and admission tokens. */
  sessionSigningKey(): Promise<string>;
  /** The key that signs tickets (16 characters or more). */
  ticketSigningKey(): Promise<string>;
}

export interface SecretsOptions {
  readonly fetch?: SecretFetcher;
  readonly now?: () => number;
}

export function createSecrets(
  settings: () => Readonly<Record<SecretName, SecretSetting>>,
  options: SecretsOptions = {},
): Secrets {
  const fetched = new Map<SecretName, { readonly arn: string; readonly fetchedAt: number; readonly value: string }>();
  const inFlight = new Map<SecretName, Promise<string>>();
  const now = options.now ?? Date.now;
  const fetch = options.fetch ?? fetchFromSecretsManager;

  async function get(name: SecretName): Promise<string | undefined> {
    const { value, arn } = settings()[name];
    if (value) return value; // given plainly: configuration wins, never fetched
    if (!arn) return undefined;
    const cached = fetched.get(name);
    const at = now();
    if (cached && cached.arn === arn && at - cached.fetchedAt < SECRET_CACHE_MS) return cached.value;
    let pending = inFlight.get(name);
    if (!pending) {
      pending = fetch(arn).then(
        (fresh) => {
          fetched.set(name, { arn, fetchedAt: at, value: fresh });
          inFlight.delete(name);
          return fresh;
        },
        (error: unknown) => {
          inFlight.delete(name);
          if (cached?.arn === arn) {
            // A refresh failed (throttled, Secrets Manager down): the value fetched before still
            // serves; try again a little later rather than at every use.
            logger.warn('Could not refresh a secret; keeping the value fetched before', {
              name,
              error: error as Error,
            });
            fetched.set(name, { ...cached, fetchedAt: at - SECRET_CACHE_MS + SECRET_RETRY_MS });
            return cached.value;
          }
          throw new Error(`Could not fetch ${name} from Secrets Manager: ${(error as Error).message}`, {
            cause: error,
          });
        },
      );
      inFlight.set(name, pending);
    }
    return pending;
  }

  return {
    get,
    adminApiKey: () => get('ADMIN_API_KEY'),
    async sessionSigningKey() {
      const key = await get('SESSION_SIGNING_KEY');
      if (!key) throw new Error('Missing environment variable SESSION_SIGNING_KEY');
      return key;
    },
    async ticketSigningKey() {
      const key = await get('TICKET_SIGNING_KEY');
      if (!key || key.length < 16) throw new Error('TICKET_SIGNING_KEY must be set (16 characters or more)');
      return key;
    },
  };
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
