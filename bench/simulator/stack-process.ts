import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RAISED_REQUEST_LIMITS } from '../../contract/request-limits';
import type { TableNames } from '../../contract/tables';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { type EventRoutesProcess, startEventRoutesProcess } from '../../local/event-routes-process';
import type { LocalStackOptions } from '../../local/local-stack';
import { localDynamoClientConfig } from '../../local/local-tables';
import type { MeterSnapshot, StackMeter } from './aws-meter';
import type { Target } from './drop';
import { CHAOS_RECONCILE_MS, CHAOS_SWEEP_MS, LIMITS_RAISED_NOTE } from './local-target';
import { type DropOptions, processorEnvironment } from './options';

/**
 * The local stack in its own Node process (bench/simulator/stack-child.ts), so that a benchmark
 * times the stack and not the load generator sharing its event loop. The child meters its own SDK
 * calls (DynamoDB operations, WebSocket posts, stream batches) — the figures the benchmarks report
 * per ticket — and hands them over on `stats()`. It cannot outlive the parent: it stops when the
 * IPC channel closes.
 */

/** What the child's `startLocalStack` gets: the JSON-serialisable part of its options. */
export type StackStartOptions = Pick<
  LocalStackOptions,
  | 'dataDir'
  | 'port'
  | 'tablePrefix'
  | 'environment'
  | 'timingOverrides'
  | 'reconcileIntervalMs'
  | 'liveMapSweepIntervalMs'
  | 'templateCacheDir'
  | 'requestLimits'
  | 'liveMapProcess'
  | 'webSocketGatewayThread'
>;

export interface StackProcessOptions {
  readonly stack?: StackStartOptions;
  /**
   * Added to the child's process environment (e.g. TICKETDROP_FAULTS=chaos, TICKETDROP_FAULTS_SEED,
   * POWERTOOLS_LOG_LEVEL): what the local stack reads from the environment of the process it runs in.
   */
  readonly processEnvironment?: Record<string, string>;
  /** The child's stdout and stderr go here (default: this process's stderr, keeping stdout for reports). */
  readonly onOutput?: (text: string) => void;
  /**
   * Also serve the read-only event routes from a third process (local/event-routes-process.ts),
   * at `eventRoutesUrl`: as Lambda would, apart from the sale's handlers.
   */
  readonly eventRoutesProcess?: boolean;
}

/** Where the child's stack answers: all the simulator, the benches and the money audit need. */
export interface StackEndpoints {
  readonly url: string;
  readonly webSocketUrl: string;
  readonly adminKey: string;
  readonly stateMachineArn: string;
  /** DynamoDB Local itself (not the fault proxy the handlers go through). */
  readonly dynamoEndpoint: string;
  readonly tables: TableNames;
  readonly ticketSigningKey: string;
}

export interface StackProcess {
  readonly pid: number;
  readonly endpoints: StackEndpoints;
  /** This process's own client onto the child's DynamoDB Local (direct; not metered by the child). */
  readonly store: Store;
  /** For runDrop: the endpoints, the store (money audit) and the child's meter. */
  readonly target: Target;
  /** The event routes' own process, when asked for (`eventRoutesProcess`). */
  readonly eventRoutesUrl?: string;
  /** The child's SDK counts since its last reset. */
  stats(): Promise<MeterSnapshot>;
  resetStats(): Promise<void>;
  /** SIGTERM, then waits until the child (and with it DynamoDB Local) has exited; idempotent. */
  stop(): Promise<void>;
}

/** The IPC messages between parent and child (stack-child.ts). */
export type StackChildOptions = Pick<StackProcessOptions, 'stack'>;
export type StackRequest = { readonly type: 'stats' | 'reset'; readonly id: number };
export type StackReply =
  | { readonly type: 'ready'; readonly endpoints: StackEndpoints }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'stats'; readonly id: number; readonly snapshot: MeterSnapshot }
  | { readonly type: 'reset'; readonly id: number };

const CHILD_SCRIPT = fileURLToPath(new URL('./stack-child.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** After SIGTERM the child stops its stack (it exits by itself within 20 s); then SIGKILL. */
const KILL_AFTER_MS = 30_000;

export async function startStackProcess(options: StackProcessOptions = {}): Promise<StackProcess> {
  const onOutput = options.onOutput ?? ((text: string) => process.stderr.write(text));
  const child = spawn(
    process.execPath,
    [
      ...profilingArguments(),
      '--import',
      'tsx',
      CHILD_SCRIPT,
      JSON.stringify({ stack: options.stack ?? {} } satisfies StackChildOptions),
    ],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...options.processEnvironment },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  for (const output of [child.stdout, child.stderr]) {
    output?.setEncoding('utf8');
    output?.on('data', onOutput);
  }
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
  const pending = new Map<number, { resolve: (reply: StackReply) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let ready: (endpoints: StackEndpoints) => void;
  let failed: (error: Error) => void;
  const started = new Promise<StackEndpoints>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  child.on('message', (reply: StackReply) => {
    if (reply.type === 'ready') ready(reply.endpoints);
    else if (reply.type === 'failed') failed(new Error(`The stack process failed to start: ${reply.message}`));
    else {
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    }
  });
  void exited.then((code) => {
    failed(new Error(`The stack process exited (status ${code}) before it served`));
    for (const [id, asked] of pending) {
      pending.delete(id);
      asked.reject(new Error(`The stack process exited (status ${code})`));
    }
  });

  const ask = (type: StackRequest['type']): Promise<StackReply> =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || !child.connected) {
        reject(new Error(`The stack process is gone (asked for ${type})`));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ type, id } satisfies StackRequest, (error) => {
        if (error) {
          pending.delete(id);
          reject(error);
        }
      });
    });

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= terminate(child, exited));
  let endpoints: StackEndpoints;
  try {
    endpoints = await started;
  } catch (error) {
    await stop();
    throw error;
  }
  let eventRoutes: EventRoutesProcess | undefined;
  if (options.eventRoutesProcess) {
    try {
      eventRoutes = await startEventRoutesProcess(
        { dynamoEndpoint: endpoints.dynamoEndpoint, tables: endpoints.tables },
        onOutput,
      );
    } catch (error) {
      await stop();
      throw error;
    }
  }
  const client = new DynamoDBClient(localDynamoClientConfig(endpoints.dynamoEndpoint));
  const store = createStore(client, endpoints.tables);
  const meter: StackMeter = {
    reset: async () => {
      await ask('reset');
    },
    snapshot: async () => {
      const reply = await ask('stats');
      if (reply.type !== 'stats') throw new Error(`The stack process answered ${reply.type} to stats`);
      return reply.snapshot;
    },
  };
  return {
    pid: child.pid!,
    endpoints,
    store,
    target: {
      url: endpoints.url,
      webSocketUrl: endpoints.webSocketUrl,
      adminKey: endpoints.adminKey,
      stateMachineArn: endpoints.stateMachineArn,
      stepFunctionsEndpoint: endpoints.url,
      processorConfigured: true,
      store,
      meter,
    },
    ...(eventRoutes ? { eventRoutesUrl: eventRoutes.url } : {}),
    stats: meter.snapshot,
    resetStats: meter.reset,
    stop: async () => {
      client.destroy();
      await Promise.all([eventRoutes?.stop(), stop()]);
    },
  };
}

/**
 * A stack process set up for a drop: the simulated processor gets the drop's settings, a chaos
 * drop switches faults on (seeded) and runs the reconciler every 5 s instead of every minute.
 * Its abuse limits are raised (every simulated buyer comes from 127.0.0.1), and the run says so.
 */
export function startStackFor(
  options: Pick<DropOptions, 'declineRate' | 'paymentLatencyMs' | 'slowRate' | 'notificationLatencyMs'> &
    Partial<Pick<DropOptions, 'chaos' | 'seed'>>,
  extra: Pick<StackProcessOptions, 'onOutput' | 'eventRoutesProcess'> &
    Pick<StackStartOptions, 'liveMapProcess' | 'webSocketGatewayThread'> = {},
): Promise<StackProcess> {
  console.error(LIMITS_RAISED_NOTE);
  const { liveMapProcess, webSocketGatewayThread, ...processOptions } = extra;
  return startStackProcess({
    ...processOptions,
    stack: {
      ...(liveMapProcess ? { liveMapProcess } : {}),
      ...(webSocketGatewayThread ? { webSocketGatewayThread } : {}),
      requestLimits: RAISED_REQUEST_LIMITS,
      environment: processorEnvironment(options as DropOptions),
      ...(options.chaos ? { reconcileIntervalMs: CHAOS_RECONCILE_MS, liveMapSweepIntervalMs: CHAOS_SWEEP_MS } : {}),
    },
    processEnvironment: {
      // The stack's logger reads the level once, when its modules load.
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...(options.chaos
        ? {
            TICKETDROP_FAULTS: 'chaos',
            ...(options.seed === undefined ? {} : { TICKETDROP_FAULTS_SEED: String(options.seed) }),
          }
        : {}),
    },
  });
}

/**
 * Extra Node flags for the stack child only, from TICKETDROP_STACK_NODE_ARGS (space-separated),
 * e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`: Node refuses --cpu-prof in NODE_OPTIONS, and a
 * profile of the stack must not include the load generator.
 */
function profilingArguments(): string[] {
  return (process.env.TICKETDROP_STACK_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, KILL_AFTER_MS);
  });
  await Promise.race([exited, killed]);
  clearTimeout(timer);
  await exited;
}
