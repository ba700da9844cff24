import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { API_HANDLERS, type ApiHandlerId, DEFAULT_ROUTE, ROUTES } from '../contract/http-routes';
import { prefixedTableNames, TABLE_ENV, type TableNames } from '../contract/tables';
import { LOCAL_WS_PATH } from '../contract/ws-routes';
import { createEvent } from '../lambdas/core/events/create-event';
import { type OrderWorkflow, stepFunctionsWorkflow } from '../lambdas/core/orders/order-workflow';
import { simulatedLostAnswers } from '../lambdas/core/payments/simulated-processor';
import { EventExists } from '../lambdas/core/platform/errors';
import { logger } from '../lambdas/core/platform/logger';
import { createStore, type Store } from '../lambdas/core/platform/store';
import type { ReconcileSummary } from '../lambdas/core/reconcile/reconciler';
import type { DynamoDbLocal } from './dynamodb-local';
import { startDynamoDbLocal } from './dynamodb-local';
import { startExecutionEndedRule } from './execution-ended-relay';
import { startDynamoDbFaultProxy } from './faults/dynamodb-fault-proxy';
import type { FaultOption } from './faults/fault-settings';
import { type DeadLetter, type FaultCounters, FaultSwitch, type LocalFaults } from './faults/fault-switch';
import { faultsEndpoint } from './faults/faults-endpoint';
import { type ApiHandler, createHttpGateway, refuseUpgradeWhileStarting } from './http-gateway';
import { createLocalLiveUpdates } from './live-updates';
import { localSecret } from './local-secrets';
import { createTables, localDynamoClientConfig } from './local-tables';
import { createLocalOrderFlow } from './order-flow-functions';
import { type ReconcilerTimer, startReconcilerTimer } from './reconciler-timer';
import {
  createStepFunctionsListener,
  isStepFunctionsRequest,
  type LocalStepFunctions,
  type TimingOverrides,
} from './stepfunctions';
import { cachedTemplate } from './template-cache';
import { startWaitingRoomFeed } from './waiting-room-feed';

/**
 * The embedded local stack: DynamoDB Local, tables from the shared specs, and one HTTP server on
 * 127.0.0.1 that serves the frontend and the API through the same handlers that run on AWS.
 * Handlers read their configuration from the environment, exactly as on Lambda, so this module
 * sets that environment before it loads them (once per process: ES modules are cached).
 */

export interface LocalStackOptions {
  /** Persist DynamoDB data here; in memory when absent. */
  readonly dataDir?: string;
  /** Port of the HTTP server; 0 picks a free one. */
  readonly port?: number;
  readonly tablePrefix?: string;
  /** Extra environment for the handlers (e.g. simulator rates in tests). */
  readonly environment?: Record<string, string>;
  /** Shorter retry waits (and execution timeout), for tests. */
  readonly timingOverrides?: TimingOverrides;
  /**
   * How often the reconciler runs (default: `TICKETDROP_RECONCILE_SECONDS`, else its AWS schedule,
   * one minute). Chaos drops and tests shorten it so stragglers are finished sooner.
   */
  readonly reconcileIntervalMs?: number;
  /**
   * The fault switch: a profile (`off`, `chaos`) or explicit settings; default: the environment's
   * TICKETDROP_FAULTS (and TICKETDROP_FAULTS_SEED), else off. Switchable later with `stack.faults.set`.
   */
  readonly faults?: FaultOption;
  /** Counts of faults injected outside the stack (the simulated processor's lost answers). */
  readonly faultCounters?: FaultCounters;
  /** Where the synthesized template is cached (default: TICKETDROP_CACHE_DIR, else .ticketdrop/cache/). */
  readonly templateCacheDir?: string;
  /**
   * Other work the stack waits for before it serves (npm start: the page build, which runs
   * meanwhile); when it fails, the start fails and everything started is stopped.
   */
  readonly readyAfter?: Promise<unknown>;
  /**
   * Called (and awaited) once the port listens, long before the stack serves: until then the port
   * answers `503 Starting`. For tests that watch what the port answers during the start.
   */
  readonly onListening?: (url: string) => void | Promise<void>;
}

export interface LocalStack {
  readonly url: string;
  readonly port: number;
  readonly dynamo: DynamoDbLocal;
  readonly tables: TableNames;
  readonly store: Store;
  readonly stepFunctions: LocalStepFunctions;
  readonly stateMachineArn: string;
  /** The order flow as handlers reach it: through the Step Functions API on this stack's port. */
  readonly workflow: OrderWorkflow;
  /** The reconciler's first run, right after start: what the last process left unfinished. */
  readonly startupReconcile: ReconcileSummary;
  /** The reconciler on its timer (`runNow` for tests and operators). */
  readonly reconciler: ReconcilerTimer;
  /** The operator credential (`x-admin-key` header) for admin API calls. */
  readonly adminKey: string;
  /** The WebSocket API of live updates (`ws://127.0.0.1:<port>/ws`). */
  readonly webSocketUrl: string;
  /** The fault switch: `snapshot()` (also `GET /_local/faults`), `set(...)`, the stream dead letters. */
  readonly faults: LocalFaults;
  /** True when the order flow's template came from the cache, false when this start synthesized it. */
  readonly templateReused: boolean;
  stop(): Promise<void>;
}

/** Fault counts kept by the handlers' own modules: the simulated processor counts its lost answers. */
const FAULT_COUNTERS: FaultCounters = { paymentLostAnswers: simulatedLostAnswers };

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEMO_EVENT = {
  eventId: 'ticketdrop-live',
  name: 'TicketDrop Live',
  venue: 'The Local Stage',
  rows: 5,
  seatsPerRow: 6,
  priceCents: 4500,
  currency: 'EUR',
  holdSeconds: 900,
  maxSeatsPerOrder: 6,
} as const;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // First: a mistyped TICKETDROP_FAULTS stops the start before anything runs.
  const faults = new FaultSwitch(options.faults, { counters: options.faultCounters ?? FAULT_COUNTERS });
  options.readyAfter?.catch(() => undefined); // awaited (and its failure reported) at the end
  // Until the very end the port answers 503 Starting (the handlers are not loaded yet).
  let ready = false;
  const handlers = new Map<ApiHandlerId, ApiHandler>();
  const stops: (() => Promise<unknown>)[] = []; // what runs so far, stopped in reverse on failure
  let javaSpawned!: () => void;
  const spawned = new Promise<void>((resolve) => (javaSpawned = resolve));
  const starting = startDynamoDbLocal({
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'dynamodb') }),
    onSpawned: javaSpawned,
  });
  starting.then(javaSpawned, javaSpawned); // a failed start must not leave a synthesis waiting
  try {
    // While the JVM starts: the template (cached, or synthesized once java is spawned, since a
    // synthesis blocks this thread), the order flow, the server on its port, the secrets.
    const early = (async () => {
      const { template, reused } = await cachedTemplate({
        projectRoot: PROJECT_ROOT,
        cacheDir: options.templateCacheDir ?? templateCacheDirFromEnv(),
        stage: LOCAL_STAGE,
        synthesize: async () => {
          await spawned;
          return (await import('./synthesize-template')).synthesizeTemplate(LOCAL_STAGE);
        },
      });
      const orderFlow = createLocalOrderFlow(PROJECT_ROOT, template, options.timingOverrides, {
        lambdaTimesOutAfterRun: ({ stateName }) => faults.drawLambdaTimeout(stateName),
        refuseStart: ({ name }) => faults.drawStartFailure(name),
      });
      stops.push(() => orderFlow.service.stop());
      const liveUpdates = createLocalLiveUpdates(PROJECT_ROOT);
      const server = createServer(
        createHttpGateway({
          routes: ROUTES,
          defaultRoute: DEFAULT_ROUTE,
          handlerFor: (route) => handlers.get(route.handler)!,
          staticDir: join(PROJECT_ROOT, 'frontend', 'dist'),
          services: [
            { matches: isStepFunctionsRequest, listener: createStepFunctionsListener(orderFlow.service) },
            liveUpdates.managementApi,
            faultsEndpoint(faults),
          ],
          crashAfterHandler: () => faults.draw('api.crash'),
          isStarting: () => !ready,
        }),
      );
      // WebSocket upgrades too are refused until the WebSocket handlers are loaded.
      server.on('upgrade', refuseUpgradeWhileStarting);
      const port = await listen(server, options.port ?? 0);
      stops.push(() => closeServer(server));
      const secrets = await Promise.all(
        (['admin-key', 'ticket-signing-key', 'session-signing-key'] as const).map((name) =>
          localSecret(options.dataDir, name),
        ),
      );
      return { reused, orderFlow, liveUpdates, server, port, secrets };
    })();
    const [earlyResult, dynamoResult] = await Promise.allSettled([early, starting]);
    if (dynamoResult.status === 'fulfilled') stops.push(() => dynamoResult.value.stop());
    if (earlyResult.status === 'rejected') throw earlyResult.reason;
    if (dynamoResult.status === 'rejected') throw dynamoResult.reason;
    const dynamo = dynamoResult.value;
    const { reused, orderFlow, liveUpdates, server, port, secrets } = earlyResult.value;
    const [adminKey, ticketSigningKey, sessionSigningKey] = secrets as [string, string, string];
    const url = `http://127.0.0.1:${port}`;
    await options.onListening?.(url);

    // The handlers reach DynamoDB through the fault proxy; the stack's own reads and the stream
    // feeds go to DynamoDB Local directly.
    const proxy = await startDynamoDbFaultProxy(dynamo.endpoint, faults);
    stops.push(() => proxy.stop());
    const tables = prefixedTableNames(options.tablePrefix ?? 'ticketdrop');
    const client = new DynamoDBClient(localDynamoClientConfig(dynamo.endpoint));
    const store = createStore(client, tables);
    Object.assign(process.env, {
      ...handlerEnvironment(proxy.endpoint, tables),
      AWS_ENDPOINT_URL_SFN: url,
      ORDER_STATE_MACHINE_ARN: orderFlow.stateMachineArn,
      TICKET_SIGNING_KEY: ticketSigningKey,
      SESSION_SIGNING_KEY: sessionSigningKey,
      ADMIN_API_KEY: adminKey,
      // The broadcaster's PostToConnection lands on this port's `@connections` API.
      WEBSOCKET_MANAGEMENT_ENDPOINT: url,
      ...options.environment,
    });
    // The shared logger was created on import, before this environment existed: give it the level
    // a Lambda would have read at cold start.
    const logLevel = process.env.POWERTOOLS_LOG_LEVEL;
    if (logLevel) logger.setLogLevel(logLevel as Parameters<typeof logger.setLogLevel>[0]);
    // The handlers only read their environment when loaded: they load while the tables are made.
    const [, apiHandlers] = await Promise.all([
      createTables(client, tables).then(() => seedDemoEvent(store)),
      loadHandlers(),
    ]);
    for (const [id, handler] of apiHandlers) handlers.set(id, handler);
    const streamFaults = {
      deadLetter: (letter: DeadLetter) => faults.deadLetter(letter),
      batchFault: () => faults.drawBatchFailure(),
    };
    stops.push(() => liveUpdates.stop());
    const [, waitingRoomFeed] = await Promise.all([
      liveUpdates.start(dynamo.endpoint, tables, streamFaults),
      startWaitingRoomFeed(PROJECT_ROOT, dynamo.endpoint, tables, streamFaults),
    ]);
    stops.push(() => waitingRoomFeed.stop());

    const workflow = stepFunctionsWorkflow(
      new SFNClient({ endpoint: url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }),
      orderFlow.stateMachineArn,
    );
    const [stopExecutionEndedRule, reconciler] = await Promise.all([
      startExecutionEndedRule(PROJECT_ROOT, orderFlow.service, orderFlow.stateMachineArn),
      startReconcilerTimer(PROJECT_ROOT, options.reconcileIntervalMs ?? reconcileIntervalFromEnv()),
    ]);
    stops.push(
      async () => stopExecutionEndedRule(),
      () => reconciler.stop(),
    );
    // A reconciler that cannot run now (it logs why) must not keep the stack from starting.
    const startupReconcile = await reconciler
      .runNow()
      .catch(() => ({ actions: 0, failed: 1, outcomes: [], notes: [] }));
    await options.readyAfter;
    server.off('upgrade', refuseUpgradeWhileStarting);
    liveUpdates.attach(server);
    ready = true;
    return {
      url,
      port,
      dynamo,
      tables,
      store,
      stepFunctions: orderFlow.service,
      stateMachineArn: orderFlow.stateMachineArn,
      workflow,
      startupReconcile,
      reconciler,
      adminKey,
      webSocketUrl: `ws://127.0.0.1:${port}${LOCAL_WS_PATH}`,
      faults,
      templateReused: reused,
      async stop() {
        await reconciler.stop();
        stopExecutionEndedRule();
        await orderFlow.service.stop();
        await Promise.all([liveUpdates.stop(), waitingRoomFeed.stop()]);
        await closeServer(server);
        await proxy.stop();
        await dynamo.stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

/** Where the synthesized template is kept between starts: TICKETDROP_CACHE_DIR, else .ticketdrop/cache/. */
export function templateCacheDirFromEnv(): string {
  return process.env.TICKETDROP_CACHE_DIR || join(PROJECT_ROOT, '.ticketdrop', 'cache');
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The stage the local stack synthesizes (and caches) the CDK app for. */
const LOCAL_STAGE = 'local';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

function reconcileIntervalFromEnv(): number | undefined {
  const raw = process.env.TICKETDROP_RECONCILE_SECONDS;
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600)
    throw new Error(`TICKETDROP_RECONCILE_SECONDS must be from 1 to 3600, not "${raw}"`);
  return seconds * 1000;
}

/** What Lambda's configuration gives a handler on AWS, pointed at the local services. */
export function handlerEnvironment(dynamoEndpoint: string, tables: TableNames): Record<string, string> {
  const tableVariables = Object.fromEntries(
    Object.entries(TABLE_ENV).map(([id, variable]) => [variable, tables[id as keyof TableNames]]),
  );
  return {
    ...tableVariables,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_REGION: 'us-east-1',
    // Local services ignore credentials; fixed dummies keep the SDK away from real profiles.
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** A second demo: the general-admission drop with a waiting room (2 buyers at a time). */
export const DEMO_QUEUE_EVENT = {
  eventId: 'ticketdrop-queue',
  name: 'TicketDrop Queue Demo',
  venue: 'The Local Stage',
  rows: 2,
  seatsPerRow: 10,
  priceCents: 3000,
  currency: 'EUR',
  holdSeconds: 120,
  maxSeatsPerOrder: 2,
  waitingRoom: { enabled: true, maxActivePurchasers: 2, admissionSeconds: 120, positionShards: 1 },
} as const;

/**
 * The demo events: the seat-map prototype's 5 rows × 6 seats, and a drop behind a waiting room.
 * One already there is left as it is.
 */
export async function seedDemoEvent(store: ReturnType<typeof createStore>): Promise<void> {
  for (const event of [DEMO_EVENT, DEMO_QUEUE_EVENT]) {
    try {
      await createEvent(store, event);
    } catch (error) {
      if (!(error instanceof EventExists)) throw error;
    }
  }
}

async function loadHandlers(): Promise<Map<ApiHandlerId, ApiHandler>> {
  const entries = Object.entries(API_HANDLERS) as [ApiHandlerId, { entry: string }][];
  const loaded = await Promise.all(
    entries.map(async ([id, { entry }]) => {
      const module = (await import(pathToFileURL(join(PROJECT_ROOT, entry)).href)) as { handler: ApiHandler };
      return [id, module.handler] as const;
    }),
  );
  return new Map(loaded);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
