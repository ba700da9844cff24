import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { type ConnectionPoster, managementApiPoster } from '../core/live/connection-poster';
import { lambdaShardInvoker } from '../core/live/lambda-shard-invoker';
import type { ShardInvoker } from '../core/live/shard-delivery';
import { type Executions, stepFunctionsExecutions } from '../core/orders/executions';
import { type OrderWorkflow, stepFunctionsWorkflow } from '../core/orders/order-workflow';
import type { PaymentProcessor } from '../core/payments/processor';
import { SimulatedProcessor } from '../core/payments/simulated-processor';
import {
  type Config,
  configFromProcessEnvironment,
  requireSetting,
  requireShardFunction,
  requireTables,
} from '../core/platform/config';
import { withoutSdkLogging } from '../core/platform/sdk-logging';
import { createSecrets, type SecretFetcher, type Secrets } from '../core/platform/secrets';
import { createStore, type Store } from '../core/platform/store';

/**
 * What handlers depend on, built from a configuration. Each handler module exports
 * `createHandler(platform)` (taking the parts it uses: `Pick<Platform, ...>`) and
 * `handler = fromEnvironment(createHandler)`. On Lambda the platform comes from the process's
 * environment, parsed once; the local stack and tests build their own and pass it.
 *
 * Every part is made on first use and kept (clients once per platform, as at a cold start), so a
 * handler never builds what it does not use, and one lacking a setting (a table, the state machine)
 * fails at its first use with the variable's name.
 */
export interface Platform {
  readonly config: Config;
  readonly store: Store;
  /** The order flow (Step Functions: start, resume, is it running). */
  readonly workflow: OrderWorkflow;
  /** The order flow's executions as the reconciler lists them. */
  readonly executions: Executions;
  /** The (simulated) card processor, with the configuration's simulator settings. */
  readonly processor: PaymentProcessor;
  /** The WebSocket API's `@connections`: one message to one connection. */
  readonly poster: ConnectionPoster;
  /** Keys: given plainly, or fetched from Secrets Manager (cached). */
  readonly secrets: Secrets;
  /** Starts the live map's shard workers (Lambda's asynchronous invoke; the local stack runs the same handler). */
  readonly shardInvoker: ShardInvoker;
}

export interface PlatformParts {
  /**
   * The configuration; a function when it may change while the process runs (the local stack's
   * switches: a fault profile, a test's setting). On Lambda it is parsed once.
   */
  readonly config: Config | (() => Config);
  /** Clients, by default from the SDK's standard configuration chain (as on Lambda). */
  readonly dynamoClient?: () => DynamoDBClient;
  readonly sfnClient?: () => SFNClient;
  readonly managementApiClient?: (endpoint: string) => ApiGatewayManagementApiClient;
  readonly fetchSecret?: SecretFetcher;
  /** The `@connections` poster; by default the management API client on `WEBSOCKET_MANAGEMENT_ENDPOINT`. */
  readonly poster?: () => ConnectionPoster;
  /** The shard workers' starter; by default asynchronous invokes of `LIVE_MAP_SHARD_FUNCTION`. */
  readonly shardInvoker?: () => ShardInvoker;
  /** The store's clock (epoch ms); default `Date.now`. Tests of the local stack move it by hand. */
  readonly now?: () => number;
}

export function createPlatform(parts: PlatformParts): Platform {
  const configOf = typeof parts.config === 'function' ? parts.config : () => parts.config as Config;
  let store: Store | undefined;
  let sfn: SFNClient | undefined;
  let workflow: OrderWorkflow | undefined;
  let executions: Executions | undefined;
  let poster: ConnectionPoster | undefined;
  let shardInvoker: ShardInvoker | undefined;
  let processor: { readonly for: Config; readonly processor: PaymentProcessor } | undefined;
  const sfnClient = () => (sfn ??= withoutSdkLogging(parts.sfnClient?.() ?? new SFNClient({})));
  const secrets = createSecrets(() => configOf().secrets, parts.fetchSecret ? { fetch: parts.fetchSecret } : {});
  const platform: Platform = {
    get config() {
      return configOf();
    },
    get store() {
      store ??= createStore(
        parts.dynamoClient?.() ?? new DynamoDBClient({}),
        requireTables(configOf()),
        parts.now ? { now: parts.now } : {},
      );
      return store;
    },
    get workflow() {
      workflow ??= stepFunctionsWorkflow(sfnClient(), requireSetting(configOf(), 'orderStateMachineArn'));
      return workflow;
    },
    get executions() {
      executions ??= stepFunctionsExecutions(sfnClient(), requireSetting(configOf(), 'orderStateMachineArn'));
      return executions;
    },
    get processor() {
      // Rebuilt only when the configuration changed (the local stack's fault switch).
      const config = configOf();
      if (processor?.for !== config) {
        processor = { for: config, processor: new SimulatedProcessor(platform.store, config.paymentSimulator) };
      }
      return processor.processor;
    },
    get poster() {
      poster ??= parts.poster?.();
      if (!poster) {
        const endpoint = requireSetting(configOf(), 'webSocketManagementEndpoint');
        // The endpoint is per API and stage (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`).
        poster = managementApiPoster(
          parts.managementApiClient?.(endpoint) ?? new ApiGatewayManagementApiClient({ endpoint }),
        );
      }
      return poster;
    },
    get shardInvoker() {
      shardInvoker ??=
        parts.shardInvoker?.() ?? lambdaShardInvoker(new LambdaClient({}), requireShardFunction(configOf()));
      return shardInvoker;
    },
    secrets,
  };
  return platform;
}

let processPlatform: Platform | undefined;

/** The platform of this process's environment: parsed once, clients made once (cold-start semantics). */
export function platformFromEnv(): Platform {
  processPlatform ??= createPlatform({ config: configFromProcessEnvironment() });
  return processPlatform;
}

/**
 * A Lambda handler built from `platformFromEnv()` on its first invocation: importing the module
 * reads no environment and cannot throw; a wrong configuration fails the first invocation, clearly.
 */
// biome-ignore lint/suspicious/noExplicitAny: a handler's parameters are whatever its trigger passes.
export function fromEnvironment<H extends (...args: any[]) => unknown>(create: (platform: Platform) => H): H {
  let handler: H | undefined;
  return ((...args: Parameters<H>) => {
    handler ??= create(platformFromEnv());
    return handler(...args);
  }) as H;
}
