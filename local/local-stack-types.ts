import type { RequestLimits } from '../contract/request-limits';
import type { TableNames } from '../contract/tables';
import type { OrderWorkflow } from '../lambdas/core/orders/order-workflow';
import type { Store } from '../lambdas/core/platform/store';
import type { ReconcileSummary } from '../lambdas/core/reconcile/reconciler';
import type { Platform } from '../lambdas/wiring/platform';
import type { DynamoDbLocal } from './dynamodb-local';
import type { FaultOption } from './faults/fault-settings';
import type { FaultCounters, LocalFaults } from './faults/fault-switch';
import type { LiveMapSweepTimer } from './live-map-sweep-timer';
import type { ReconcilerTimer } from './reconciler-timer';
import type { LocalStepFunctions, TimingOverrides } from './stepfunctions';
import type { GatewayCounts } from './websocket-gateway-worker';

/** What `startLocalStack` (local/local-stack.ts) takes, and the running stack it gives. */

export interface LocalStackOptions {
  /** Persist DynamoDB data here; in memory when absent. */
  readonly dataDir?: string;
  /** Port of the HTTP server; 0 picks a free one. */
  readonly port?: number;
  readonly tablePrefix?: string;
  /** Extra configuration for the handlers, as their environment would carry it (e.g. simulator rates in tests). */
  readonly environment?: Record<string, string>;
  /**
   * The abuse limits (per client address: sessions, waiting-room joins); default: the handlers'
   * configuration (`SESSION_LIMIT`, ... in `environment`, else contract/request-limits.ts's
   * defaults: on). Tests and runs that make many buyers from 127.0.0.1 raise them here
   * (`RAISED_REQUEST_LIMITS`), and say so.
   */
  readonly requestLimits?: RequestLimits;
  /**
   * The handlers' clock (epoch ms; default `Date.now`), for tests that move time by hand through
   * the HTTP API (a limit's window passing). The order flow's own timers keep real time.
   */
  readonly now?: () => number;
  /** Shorter retry waits (and execution timeout), for tests. */
  readonly timingOverrides?: TimingOverrides;
  /**
   * How often the reconciler runs (default: `TICKETDROP_RECONCILE_SECONDS`, else its AWS schedule,
   * one minute). Chaos drops and tests shorten it so stragglers are finished sooner.
   */
  readonly reconcileIntervalMs?: number;
  /**
   * How often the live-map sweep runs (default: `TICKETDROP_LIVE_MAP_SWEEP_SECONDS`, else its AWS
   * schedule, one minute). Chaos drops shorten it so a map whose last batch was lost is repaired sooner.
   */
  readonly liveMapSweepIntervalMs?: number;
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
  /**
   * Runs the live map's tick builder (the seats stream's seat-map-ticks consumer) in a process of
   * its own (local/live-map-ticks-process.ts), as it is a Lambda of its own on AWS, instead of on
   * this process's event loop beside the sale's handlers. For benchmarks of the live map during a
   * sale; it reads DynamoDB Local directly and gets no injected stream faults, and later
   * `configure` changes do not reach it.
   */
  readonly liveMapProcess?: boolean;
  /**
   * Runs the WebSocket API's front — accepting connections, upgrades, frames, the open sockets —
   * on a worker thread and port of its own (local/websocket-gateway-worker.ts), as API Gateway
   * accepts the sockets on AWS, not the Lambdas; the routes' handlers stay on this thread. During
   * a sale this process's saturated loop accepts about one connection per turn, so without it the
   * winners' sockets waited seconds to be accepted. An option (bench:sellout takes it) because the
   * extra thread slows the live map's fan-out on a 2-core machine (local/websocket-front.ts).
   */
  readonly webSocketGatewayThread?: boolean;
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
  /** The live-map sweep on its timer (`runNow` for tests). */
  readonly liveMapSweep: LiveMapSweepTimer;
  /** The operator credential (`x-admin-key` header) for admin API calls. */
  readonly adminKey: string;
  /** The keys that sign tickets and buyer sessions (as the handlers have them). */
  readonly ticketSigningKey: string;
  readonly sessionSigningKey: string;
  /** What the handlers run with: configuration, store (through the fault proxy), workflow, processor, ... */
  readonly platform: Platform;
  /**
   * Changes handler settings from now on, as a new environment would (`{ PAYMENT_ROUNDS: '1' }`);
   * `undefined` takes a change back. A wrong value is refused here.
   */
  configure(changes: Record<string, string | undefined>): void;
  /**
   * The WebSocket API of live updates: `ws://127.0.0.1:<port>/ws`, or with `webSocketGatewayThread`
   * `ws://127.0.0.1:<its own port>/ws` (`/ws` on the stack's port is then passed on to it).
   */
  readonly webSocketUrl: string;
  /**
   * With `webSocketGatewayThread`, the gateway thread's counters (TCP connections accepted, upgrade
   * requests read, sockets open), from shared memory: exact even while this thread is busy.
   */
  readonly webSocketGatewayCounts: () => GatewayCounts | undefined;
  /** The fault switch: `snapshot()` (also `GET /_local/faults`), `set(...)`, the stream dead letters. */
  readonly faults: LocalFaults;
  /** True when the order flow's template came from the cache, false when this start synthesized it. */
  readonly templateReused: boolean;
  stop(): Promise<void>;
}
