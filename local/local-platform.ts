import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { TABLE_ENV, type TableId, type TableNames } from '../contract/tables';
import type { ConnectionPoster } from '../lambdas/core/live/connection-poster';
import type { ShardInvoker } from '../lambdas/core/live/shard-delivery';
import { type Config, type Environment, parseConfig } from '../lambdas/core/platform/config';
import { createPlatform, type Platform } from '../lambdas/wiring/platform';
import { unsignedDynamoClientConfig } from './local-tables';

/**
 * The handlers' platform on the local stack: the configuration a Lambda's environment would carry
 * (tables, state machine, keys, the stack's own `@connections`), with clients pointed at the local
 * services. Nothing goes through `process.env`: two stacks in one process each have their own.
 */

/** Local services ignore credentials; fixed dummies keep the SDK away from real profiles. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

/**
 * The configuration's sources, later ones winning: what the stack itself sets, the caller's
 * `environment`, and the switches changed while it runs (the fault switch's, `stack.configure`).
 * Parsed once per change.
 */
export class HandlerSettings {
  private stackEnvironment: Environment = {};
  private parsed: Config | undefined;
  private readonly values: Record<string, string | undefined> = {};
  /** Written by the fault switch (and `configure`); every write takes effect from the next use. */
  readonly switches: Record<string, string | undefined>;

  constructor(private readonly environment: Environment = {}) {
    // A wrong value stops the start before anything runs.
    parseConfig(environment);
    this.switches = new Proxy(this.values, {
      set: (target, key, value) => {
        target[key as string] = value as string | undefined;
        this.parsed = undefined;
        return true;
      },
      deleteProperty: (target, key) => {
        delete target[key as string];
        this.parsed = undefined;
        return true;
      },
    });
  }

  /** What the stack sets (tables, state machine, keys, endpoints), once it knows them. */
  setStackEnvironment(environment: Environment): void {
    this.stackEnvironment = environment;
    this.parsed = undefined;
  }

  /** Changes settings from now on; `undefined` takes a change back (to the stack's or the caller's value). */
  configure(changes: Environment): void {
    const next = { ...this.values };
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete next[name];
      else next[name] = value;
    }
    parseConfig({ ...this.stackEnvironment, ...this.environment, ...next }); // a wrong value is refused now
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) delete this.switches[name];
      else this.switches[name] = value;
    }
  }

  /** The configuration's sources merged, as one environment (for a handler process of its own). */
  merged(): Record<string, string> {
    const merged: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...this.stackEnvironment, ...this.environment, ...this.values }))
      if (value !== undefined) merged[name] = value;
    return merged;
  }

  config(): Config {
    this.parsed ??= parseConfig({ ...this.stackEnvironment, ...this.environment, ...this.values });
    return this.parsed;
  }
}

/** Table variables as the CDK stack sets them on a function. */
export function tableEnvironment(tables: TableNames): Record<string, string> {
  return Object.fromEntries((Object.entries(TABLE_ENV) as [TableId, string][]).map(([id, name]) => [name, tables[id]]));
}

export interface LocalPlatformEndpoints {
  /**
   * DynamoDB as the handlers reach it; a function is asked per request (the local stack: its fault
   * proxy while a DynamoDB fault is switched on, DynamoDB Local itself otherwise).
   */
  readonly dynamo: string | (() => string);
  /** The Step Functions API (the stack's port). */
  readonly stepFunctions?: string;
}

export interface LocalPlatformOptions {
  /** The handlers' clock (epoch ms); default `Date.now`. */
  readonly now?: () => number;
  /** The live map's shard workers' starter (the local stack runs them as Lambda's async invoke would). */
  readonly shardInvoker?: () => ShardInvoker;
  /** `@connections` posts straight to the local gateway (in-process), not through the SDK and HTTP. */
  readonly poster?: () => ConnectionPoster;
}

export function createLocalPlatform(
  config: Config | (() => Config),
  endpoints: LocalPlatformEndpoints,
  options: LocalPlatformOptions = {},
): Platform {
  const local = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  return createPlatform({
    config,
    ...(options.now ? { now: options.now } : {}),
    ...(options.shardInvoker ? { shardInvoker: options.shardInvoker } : {}),
    ...(options.poster ? { poster: options.poster } : {}),
    dynamoClient: () => new DynamoDBClient(unsignedDynamoClientConfig(dynamoEndpoint(endpoints.dynamo))),
    sfnClient: () =>
      new SFNClient({ ...(endpoints.stepFunctions ? { endpoint: endpoints.stepFunctions } : {}), ...local }),
    managementApiClient: (endpoint) => new ApiGatewayManagementApiClient({ endpoint, ...local }),
    fetchSecret: async (arn) => {
      throw new Error(`The local stack has no Secrets Manager (asked for ${arn}): give the key's value instead`);
    },
  });
}

/**
 * The SDK's `endpoint` for a fixed URL or one chosen per request: the SDK calls a provider for
 * every request, so a switch takes effect at the next call without making new clients.
 */
function dynamoEndpoint(endpoint: string | (() => string)): DynamoDBClientConfig['endpoint'] {
  if (typeof endpoint === 'string') return endpoint;
  const parsed = new Map<string, { protocol: string; hostname: string; port: number; path: string }>();
  return async () => {
    const url = endpoint();
    let known = parsed.get(url);
    if (!known) {
      const { protocol, hostname, port, pathname } = new URL(url);
      known = { protocol, hostname, port: Number(port), path: pathname };
      parsed.set(url, known);
    }
    return known;
  };
}
