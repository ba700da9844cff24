import { z } from 'zod';
import {
  type NotificationSimulatorConfig,
  type OrderFlowConfig,
  PAYMENT_ATTEMPTS,
  PAYMENT_TASK_TIMEOUT_SECONDS,
  type PaymentSimulatorConfig,
} from '../../../contract/order-flow-settings';
import {
  DEFAULT_REQUEST_LIMITS,
  type LimitedAction,
  MAX_LIMIT_WINDOW_SECONDS,
  MAX_REQUEST_LIMIT,
  REQUEST_LIMIT_ENV,
  type RequestLimits,
} from '../../../contract/request-limits';
import { TABLE_ENV, type TableId, type TableNames } from '../../../contract/tables';
import { LIVE_MAP_SHARD_COUNT } from '../../../contract/ws-routes';

/**
 * Every environment variable a handler reads, in one schema, parsed once per process (or per local
 * stack, which passes its own). Variables only some handlers need are optional here and checked
 * where they are used (`requireTables`, `requireSetting`), so a handler lacking one fails clearly
 * at first use and the others never notice. An empty value counts as not set.
 */

/** The keys handlers use; each is given plainly (`<NAME>`) or by `<NAME>_SECRET_ARN` (see secrets.ts). */
/** EDGE_KEY: CloudFront's proof on /api/* requests (contract/request-limits.ts `EDGE_HEADERS`); absent locally. */
export const SECRET_NAMES = ['ADMIN_API_KEY', 'EDGE_KEY', 'SESSION_SIGNING_KEY', 'TICKET_SIGNING_KEY'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export interface SecretSetting {
  /** The value itself (the local stack, tests): wins over the ARN. */
  readonly value?: string;
  /** Where Secrets Manager keeps it (the CDK stack: nothing secret in the function's configuration). */
  readonly arn?: string;
}

export interface Config {
  /** Physical table names; a handler's deployment gives it the tables it uses (`requireTables`). */
  readonly tables: Partial<TableNames>;
  readonly orderStateMachineArn?: string;
  /** `@connections` endpoint of the WebSocket API (the broadcaster's). */
  readonly webSocketManagementEndpoint?: string;
  readonly secrets: Readonly<Record<SecretName, SecretSetting>>;
  readonly orderFlow: OrderFlowConfig;
  readonly paymentSimulator: PaymentSimulatorConfig;
  readonly notificationSimulator: NotificationSimulatorConfig;
  /** The live seat map (docs/ARCHITECTURE.md, "Live updates"). */
  readonly liveMap: LiveMapConfig;
  /** Requests per client address and window at the HTTP edge (sessions, waiting-room joins). */
  readonly requestLimits: RequestLimits;
  /** POWERTOOLS_LOG_LEVEL, when set (Powertools reads it itself on AWS; the local stack applies it). */
  readonly logLevel?: string;
}

export interface LiveMapConfig {
  /** Minimum time between two builds (and messages) of one event's map, ms. */
  readonly tickMs: number;
  /** Shards an event's socket viewers are spread over (one worker each per tick). */
  readonly shards: number;
  /** Socket viewers per event before anonymous viewers are asked to poll the snapshot instead. */
  readonly socketViewers: number;
  /** How often a crowded-out viewer polls the snapshot, ms. */
  readonly pollMs: number;
  /** The shard worker's function name (the tick builder's asynchronous invokes on AWS). */
  readonly shardFunction?: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

const blankAsMissing = (value: unknown) => (value === '' ? undefined : value);
const optionalText = z.preprocess(blankAsMissing, z.string().optional());

function rate(fallback: number) {
  return z.preprocess(
    blankAsMissing,
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return fallback;
        const value = Number(raw);
        if (Number.isFinite(value) && value >= 0 && value <= 1) return value;
        ctx.addIssue({ code: 'custom', message: `must be between 0 and 1, not "${raw}"` });
        return z.NEVER;
      }),
  );
}

function wholeNumber(fallback: number, min: number, max: number) {
  return z.preprocess(
    blankAsMissing,
    z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return fallback;
        const value = Number(raw);
        if (Number.isInteger(value) && value >= min && value <= max) return value;
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, not "${raw}"` });
        return z.NEVER;
      }),
  );
}

const tableVariables = Object.fromEntries(Object.values(TABLE_ENV).map((variable) => [variable, optionalText]));
const secretVariables = Object.fromEntries(
  SECRET_NAMES.flatMap((name) => [
    [name, optionalText],
    [`${name}_SECRET_ARN`, optionalText],
  ]),
);

const LIMITED_ACTIONS = Object.keys(REQUEST_LIMIT_ENV) as LimitedAction[];
const requestLimitVariables = Object.fromEntries(
  LIMITED_ACTIONS.flatMap((action) => [
    [REQUEST_LIMIT_ENV[action].limit, wholeNumber(DEFAULT_REQUEST_LIMITS[action].limit, 1, MAX_REQUEST_LIMIT)],
    [
      REQUEST_LIMIT_ENV[action].windowSeconds,
      wholeNumber(DEFAULT_REQUEST_LIMITS[action].windowSeconds, 1, MAX_LIMIT_WINDOW_SECONDS),
    ],
  ]),
);

/** The schema of the environment (unknown variables are ignored: Lambda's own, the SDK's). */
export const ENVIRONMENT_SCHEMA = z.object({
  ...tableVariables,
  ...secretVariables,
  ...requestLimitVariables,
  ORDER_STATE_MACHINE_ARN: optionalText,
  WEBSOCKET_MANAGEMENT_ENDPOINT: optionalText,
  PAYMENT_ROUNDS: wholeNumber(3, 1, 10),
  PAYMENT_DECLINE_RATE: rate(0.15),
  PAYMENT_LATENCY_MS: wholeNumber(2000, 0, 60_000),
  PAYMENT_SLOW_RATE: rate(0.02),
  PAYMENT_SLOW_LATENCY_MS: wholeNumber((PAYMENT_TASK_TIMEOUT_SECONDS + 2) * 1000, 0, 120_000),
  PAYMENT_LOST_ANSWER_RATE: rate(0),
  EMAIL_FAILURE_RATE: rate(0.05),
  SMS_FAILURE_RATE: rate(0.05),
  NOTIFICATION_LATENCY_MS: wholeNumber(200, 0, 30_000),
  SITE_URL: z.preprocess(blankAsMissing, z.url({ protocol: /^https?$/ }).optional()),
  NOTIFICATION_OUTBOX_DIR: optionalText,
  LIVE_MAP_TICK_MS: wholeNumber(250, 0, 5_000),
  LIVE_MAP_SHARDS: wholeNumber(LIVE_MAP_SHARD_COUNT, 1, 256),
  LIVE_MAP_SOCKET_VIEWERS: wholeNumber(1_500, 1, 1_000_000),
  LIVE_MAP_POLL_MS: wholeNumber(1_000, 250, 60_000),
  LIVE_MAP_SHARD_FUNCTION: optionalText,
  POWERTOOLS_LOG_LEVEL: optionalText,
});

/** The configuration in `env`; every wrong value named: `Invalid configuration: PAYMENT_DECLINE_RATE must be ...`. */
export function parseConfig(env: Environment): Config {
  const parsed = ENVIRONMENT_SCHEMA.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data as Record<string, string | number | undefined>;
  const text = (name: string) => values[name] as string | undefined;
  const number = (name: string) => values[name] as number;
  const tables = Object.fromEntries(
    (Object.entries(TABLE_ENV) as [TableId, string][]).flatMap(([id, variable]) =>
      text(variable) === undefined ? [] : [[id, text(variable)]],
    ),
  ) as Partial<TableNames>;
  const secrets = Object.fromEntries(
    SECRET_NAMES.map((name) => [name, defined({ value: text(name), arn: text(`${name}_SECRET_ARN`) })]),
  ) as Record<SecretName, SecretSetting>;
  return {
    tables,
    ...defined({
      orderStateMachineArn: text('ORDER_STATE_MACHINE_ARN'),
      webSocketManagementEndpoint: text('WEBSOCKET_MANAGEMENT_ENDPOINT'),
      logLevel: text('POWERTOOLS_LOG_LEVEL'),
    }),
    secrets,
    orderFlow: { paymentAttempts: PAYMENT_ATTEMPTS, paymentRounds: number('PAYMENT_ROUNDS') },
    paymentSimulator: {
      declineRate: number('PAYMENT_DECLINE_RATE'),
      latencyMs: number('PAYMENT_LATENCY_MS'),
      slowRate: number('PAYMENT_SLOW_RATE'),
      slowLatencyMs: number('PAYMENT_SLOW_LATENCY_MS'),
      lostAnswerRate: number('PAYMENT_LOST_ANSWER_RATE'),
    },
    notificationSimulator: {
      emailFailureRate: number('EMAIL_FAILURE_RATE'),
      smsFailureRate: number('SMS_FAILURE_RATE'),
      latencyMs: number('NOTIFICATION_LATENCY_MS'),
      ...defined({
        siteUrl: text('SITE_URL')?.replace(/\/+$/, ''),
        outboxDir: text('NOTIFICATION_OUTBOX_DIR'),
      }),
    },
    liveMap: {
      tickMs: number('LIVE_MAP_TICK_MS'),
      shards: number('LIVE_MAP_SHARDS'),
      socketViewers: number('LIVE_MAP_SOCKET_VIEWERS'),
      pollMs: number('LIVE_MAP_POLL_MS'),
      ...defined({ shardFunction: text('LIVE_MAP_SHARD_FUNCTION') }),
    },
    requestLimits: Object.fromEntries(
      LIMITED_ACTIONS.map((action) => [
        action,
        {
          limit: number(REQUEST_LIMIT_ENV[action].limit),
          windowSeconds: number(REQUEST_LIMIT_ENV[action].windowSeconds),
        },
      ]),
    ) as Record<LimitedAction, RequestLimits[LimitedAction]>,
  };
}

/** The process's own environment: the one place lambdas/ reads `process.env` (see dependencies.ts). */
export function configFromProcessEnvironment(): Config {
  return parseConfig(process.env);
}

/** The service name on log lines: POWERTOOLS_SERVICE_NAME (set per function by the CDK stack), else `ticketdrop`. */
export function logServiceName(env: Environment = process.env): string {
  return env.POWERTOOLS_SERVICE_NAME ?? 'ticketdrop';
}

/** Every table, or an error naming the first variable missing (for the handlers that use the store). */
export function requireTables(config: Pick<Config, 'tables'>): TableNames {
  return Object.fromEntries(
    (Object.entries(TABLE_ENV) as [TableId, string][]).map(([id, variable]) => {
      const name = config.tables[id];
      if (!name) throw new Error(`Missing environment variable ${variable}`);
      return [id, name];
    }),
  ) as TableNames;
}

const SETTING_ENV = {
  orderStateMachineArn: 'ORDER_STATE_MACHINE_ARN',
  webSocketManagementEndpoint: 'WEBSOCKET_MANAGEMENT_ENDPOINT',
} as const;

/** The shard worker's function name, or an error naming its variable. */
export function requireShardFunction(config: Config): string {
  if (!config.liveMap.shardFunction) throw new Error('Missing environment variable LIVE_MAP_SHARD_FUNCTION');
  return config.liveMap.shardFunction;
}

/** An optional setting a handler needs, or an error naming its variable. */
export function requireSetting(config: Config, setting: keyof typeof SETTING_ENV): string {
  const value = config[setting];
  if (!value) throw new Error(`Missing environment variable ${SETTING_ENV[setting]}`);
  return value;
}

function defined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
