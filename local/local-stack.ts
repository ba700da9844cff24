import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { API_HANDLERS, type ApiHandlerId, DEFAULT_ROUTE, ROUTES } from '../contract/http-routes';
import { requestLimitEnvironment } from '../contract/request-limits';
import { SEAT_MAP_TICKS, STREAM_CONSUMERS } from '../contract/stream-consumers';
import { prefixedTableNames } from '../contract/tables';
import { LOCAL_WS_PATH } from '../contract/ws-routes';
import { stepFunctionsWorkflow } from '../lambdas/core/orders/order-workflow';
import { simulatedLostAnswers } from '../lambdas/core/payments/simulated-processor';
import { logger } from '../lambdas/core/platform/logger';
import { createStore } from '../lambdas/core/platform/store';
import type { Platform } from '../lambdas/wiring/platform';
import { startConsumerFeeds } from './consumer-feeds';
import { seedDemoEvent } from './demo-events';
import { startDynamoDbLocal } from './dynamodb-local';
import { startExecutionEndedRule } from './execution-ended-relay';
import { handlerDynamoEndpoint, startDynamoDbFaultProxy } from './faults/dynamodb-fault-proxy';
import { type DeadLetter, type FaultCounters, FaultSwitch } from './faults/fault-switch';
import { faultsEndpoint } from './faults/faults-endpoint';
import { loadHandler } from './handler-loader';
import { type ApiHandler, createHttpGateway, refuseUpgradeWhileStarting } from './http-gateway';
import { closeServer, listen } from './http-listen';
import { startLiveMapSweepTimer } from './live-map-sweep-timer';
import { startLiveMapTicksProcess } from './live-map-ticks-process';
import { startLocalLiveUpdates } from './live-updates';
import {
  createLocalPlatform,
  HandlerSettings,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  tableEnvironment,
} from './local-platform';
import { localSecret } from './local-secrets';
import { createTables, localDynamoClientConfig } from './local-tables';
import { createLocalOrderFlow } from './order-flow-functions';
import { outboxEndpoint } from './outbox-endpoint';
import { startReconcilerTimer } from './reconciler-timer';
import { liveMapSweepIntervalFromEnv, reconcileIntervalFromEnv, templateCacheDirFromEnv } from './stack-environment';
import { createStepFunctionsListener, isStepFunctionsRequest } from './stepfunctions';
import { cachedTemplate } from './template-cache';

/**
 * The embedded local stack: DynamoDB Local, tables from the shared specs, and one HTTP server on
 * 127.0.0.1 that serves the frontend and the API through the same handlers that run on AWS.
 * Each handler is made by its module's `createHandler(platform)` with this stack's own platform
 * (local/local-platform.ts): the configuration a Lambda's environment would carry, parsed by the
 * same schema, and clients pointed at the local services. `process.env` is left alone, so several
 * stacks can run in one process.
 */

import type { LocalStack, LocalStackOptions } from './local-stack-types';

export type { LocalStack, LocalStackOptions };

/** Fault counts kept by the handlers' own modules: the simulated processor counts its lost answers. */
const FAULT_COUNTERS: FaultCounters = { paymentLostAnswers: simulatedLostAnswers };

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // First: a mistyped TICKETDROP_FAULTS stops the start before anything runs.
  // And a wrong handler setting in `environment`.
  const settings = new HandlerSettings({
    ...options.environment,
    ...(options.requestLimits ? requestLimitEnvironment(options.requestLimits) : {}),
  });
  const faults = new FaultSwitch(options.faults, {
    counters: options.faultCounters ?? FAULT_COUNTERS,
    environment: settings.switches,
  });
  let platform: Platform | undefined;
  const platformNow = () => {
    if (!platform) throw new Error('A handler was called before the local stack built its platform');
    return platform;
  };
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
      // The WebSocket API's front (on a thread of its own: started first, it loads beside the
      // template's hashing and the JVM's start; its upgrades wait for `attach`).
      const liveUpdatesStarting = startLocalLiveUpdates(PROJECT_ROOT, {
        gatewayThread: options.webSocketGatewayThread,
      });
      stops.push(async () => (await liveUpdatesStarting.catch(() => undefined))?.stop());
      const { template, reused } = await cachedTemplate({
        projectRoot: PROJECT_ROOT,
        cacheDir: options.templateCacheDir ?? templateCacheDirFromEnv(),
        stage: LOCAL_STAGE,
        synthesize: async () => {
          await spawned;
          return (await import('./synthesize-template')).synthesizeTemplate(LOCAL_STAGE);
        },
      });
      const orderFlow = createLocalOrderFlow(PROJECT_ROOT, platformNow, template, options.timingOverrides, {
        lambdaTimesOutAfterRun: ({ stateName }) => faults.drawLambdaTimeout(stateName),
        refuseStart: ({ name }) => faults.drawStartFailure(name),
      });
      stops.push(() => orderFlow.service.stop());
      const liveUpdates = await liveUpdatesStarting;
      const server = createServer(
        createHttpGateway({
          routes: ROUTES,
          defaultRoute: DEFAULT_ROUTE,
          handlerFor: (route) => handlers.get(route.handler)!,
          staticDir: join(PROJECT_ROOT, 'frontend', 'dist'),
          webSocketPort: liveUpdates.webSocketPort,
          services: [
            { matches: isStepFunctionsRequest, listener: createStepFunctionsListener(orderFlow.service) },
            liveUpdates.managementApi,
            faultsEndpoint(faults),
            outboxEndpoint(() => (platform ? settings.config().notificationSimulator.outboxDir : undefined)),
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

    // The handlers reach DynamoDB through the fault proxy while a DynamoDB fault is switched on
    // (chosen per request: a switch takes effect at once), else — like the stack's own reads and the
    // stream feeds — DynamoDB Local directly: a sale's every request then costs this process one
    // HTTP round trip, not two (the proxy shares the handlers' event loop).
    const proxy = await startDynamoDbFaultProxy(dynamo.endpoint, faults);
    stops.push(() => proxy.stop());
    const tables = prefixedTableNames(options.tablePrefix ?? 'ticketdrop');
    const client = new DynamoDBClient(localDynamoClientConfig(dynamo.endpoint));
    const store = createStore(client, tables);
    // The simulated senders keep what they send here (the /outbox page): in the data folder, or
    // in a folder of this run's own that goes with it.
    const runOutbox = options.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'ticketdrop-outbox-')) : undefined;
    const removeRunOutbox = async () => {
      if (runOutbox) await rm(runOutbox, { recursive: true, force: true });
    };
    stops.push(removeRunOutbox);
    const outboxDir = runOutbox ?? join(options.dataDir!, 'outbox');
    // What the CDK stack puts in a function's environment, pointed at this stack.
    settings.setStackEnvironment({
      ...tableEnvironment(tables),
      ORDER_STATE_MACHINE_ARN: orderFlow.stateMachineArn,
      TICKET_SIGNING_KEY: ticketSigningKey,
      SESSION_SIGNING_KEY: sessionSigningKey,
      ADMIN_API_KEY: adminKey,
      // The broadcaster's PostToConnection lands on this port's `@connections` API.
      WEBSOCKET_MANAGEMENT_ENDPOINT: url,
      // Links in messages (the tickets link) point at this port's page.
      SITE_URL: url,
      NOTIFICATION_OUTBOX_DIR: outboxDir,
    });
    platform = createLocalPlatform(
      () => settings.config(),
      {
        dynamo: handlerDynamoEndpoint(proxy, dynamo.endpoint, faults),
        stepFunctions: url,
      },
      {
        shardInvoker: () => liveUpdates.shardInvoker,
        poster: () => liveUpdates.poster,
        ...(options.now ? { now: options.now } : {}),
      },
    );
    const handlerPlatform = platform;
    // The level a Lambda's POWERTOOLS_LOG_LEVEL would set (Powertools read the process's own on import).
    const logLevel = handlerPlatform.config.logLevel;
    if (logLevel) logger.setLogLevel(logLevel as Parameters<typeof logger.setLogLevel>[0]);
    const [, apiHandlers] = await Promise.all([
      createTables(client, tables).then(() => seedDemoEvent(store)),
      loadHandlers(handlerPlatform),
    ]);
    for (const [id, handler] of apiHandlers) handlers.set(id, handler);
    const streamFaults = {
      deadLetter: (letter: DeadLetter) => faults.deadLetter(letter),
      batchFault: (consumer: string) => faults.drawBatchFailure(consumer),
    };
    const [, consumerFeeds, ticksProcess] = await Promise.all([
      liveUpdates.start(handlerPlatform, dynamo.endpoint, tables, streamFaults),
      startConsumerFeeds(
        PROJECT_ROOT,
        handlerPlatform,
        dynamo.endpoint,
        tables,
        streamFaults,
        options.liveMapProcess ? STREAM_CONSUMERS.filter((consumer) => consumer !== SEAT_MAP_TICKS) : STREAM_CONSUMERS,
      ),
      options.liveMapProcess
        ? startLiveMapTicksProcess(
            { dynamoEndpoint: dynamo.endpoint, tables, environment: settings.merged() },
            {
              onShardJob: (job) => void liveUpdates.shardInvoker.invoke(job),
              onDeadLetter: (letter) => faults.deadLetter(letter),
            },
          )
        : undefined,
    ]);
    stops.push(...consumerFeeds.map((feed) => () => feed.stop()));
    if (ticksProcess) stops.push(() => ticksProcess.stop());

    const workflow = stepFunctionsWorkflow(
      new SFNClient({ endpoint: url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
      orderFlow.stateMachineArn,
    );
    const [stopExecutionEndedRule, reconciler, liveMapSweep] = await Promise.all([
      startExecutionEndedRule(PROJECT_ROOT, handlerPlatform, orderFlow.service, orderFlow.stateMachineArn),
      startReconcilerTimer(PROJECT_ROOT, handlerPlatform, options.reconcileIntervalMs ?? reconcileIntervalFromEnv()),
      startLiveMapSweepTimer(
        PROJECT_ROOT,
        handlerPlatform,
        options.liveMapSweepIntervalMs ?? liveMapSweepIntervalFromEnv(),
      ),
    ]);
    stops.push(
      async () => stopExecutionEndedRule(),
      () => reconciler.stop(),
      () => liveMapSweep.stop(),
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
      liveMapSweep,
      adminKey,
      ticketSigningKey: handlerPlatform.config.secrets.TICKET_SIGNING_KEY.value ?? ticketSigningKey,
      sessionSigningKey: handlerPlatform.config.secrets.SESSION_SIGNING_KEY.value ?? sessionSigningKey,
      platform: handlerPlatform,
      configure: (changes) => settings.configure(changes),
      webSocketUrl: `ws://127.0.0.1:${liveUpdates.webSocketPort ?? port}${LOCAL_WS_PATH}`,
      webSocketGatewayCounts: liveUpdates.gatewayCounts,
      faults,
      templateReused: reused,
      async stop() {
        await Promise.all([reconciler.stop(), liveMapSweep.stop()]);
        stopExecutionEndedRule();
        await orderFlow.service.stop();
        await Promise.all([liveUpdates.stop(), ticksProcess?.stop(), ...consumerFeeds.map((feed) => feed.stop())]);
        await closeServer(server);
        await proxy.stop();
        await dynamo.stop();
        await removeRunOutbox();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

/** The stage the local stack synthesizes (and caches) the CDK app for. */
const LOCAL_STAGE = 'local';

async function loadHandlers(platform: Platform): Promise<Map<ApiHandlerId, ApiHandler>> {
  const entries = Object.entries(API_HANDLERS) as [ApiHandlerId, { entry: string }][];
  const loaded = await Promise.all(
    entries.map(async ([id, { entry }]) => [id, await loadHandler<ApiHandler>(PROJECT_ROOT, entry, platform)] as const),
  );
  return new Map(loaded);
}
