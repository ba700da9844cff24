import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { currentHandlerEntry } from '../../local/handler-loader';

/**
 * With execution-costs.ts, the only modules of the simulator that touch the AWS SDK.
 *
 * 1. `SdkMeter`: in the process the local stack runs in (stack-child.ts), its handlers' SDK calls are
 *    counted at the client — DynamoDB operations with the capacity DynamoDB Local reports
 *    (`ReturnConsumedCapacity: TOTAL` is added to each call), PostToConnection (WebSocket
 *    messages), and non-empty stream GetRecords (one Lambda invocation each on AWS).
 *    DynamoDB Local reports a transactional item as 1 unit; AWS bills 2, so transactions are
 *    counted as 2 × items. A refused conditional write consumes capacity on AWS but answers
 *    without it: counted as 1 unit per item (2 in a transaction) and marked estimated.
 * 2. `executionCosts` (execution-costs.ts): state transitions and Lambda task invocations of each
 *    order's execution, read from its history through the Step Functions API.
 */

export interface DynamoOperation {
  calls: number;
  refused: number;
  readUnits: number;
  writeUnits: number;
  /** Units of refused writes (not reported by DynamoDB; AWS bills them). */
  estimatedWriteUnits: number;
}

/** What the meter counted since its last reset: JSON, so a stack in another process can send it. */
export interface MeterSnapshot {
  readonly dynamo: Record<string, DynamoOperation>;
  /**
   * The same requests by who made them and where they went:
   * `<handler> › <domain module> · <operation> <table>[.index]` (see `callerOf`).
   */
  readonly byCaller: Record<string, DynamoOperation>;
  readonly webSocketPosts: number;
  readonly webSocketPostsGone: number;
  readonly streamBatches: number;
}

/**
 * The SDK counts of the stack a drop runs against, wherever it runs: an SdkMeter in this process
 * (`localMeter`), or the one in a stack's own process (bench/simulator/stack-process.ts).
 */
export interface StackMeter {
  reset(): Promise<void>;
  snapshot(): Promise<MeterSnapshot>;
}

/** Sums of a snapshot's DynamoDB operations. */
export function meterTotals(snapshot: MeterSnapshot): {
  readUnits: number;
  writeUnits: number;
  estimatedWriteUnits: number;
  calls: number;
} {
  let readUnits = 0;
  let writeUnits = 0;
  let estimatedWriteUnits = 0;
  let calls = 0;
  for (const op of Object.values(snapshot.dynamo)) {
    readUnits += op.readUnits;
    writeUnits += op.writeUnits;
    estimatedWriteUnits += op.estimatedWriteUnits;
    calls += op.calls;
  }
  return { readUnits, writeUnits, estimatedWriteUnits, calls };
}

/** An SdkMeter of this process, as a StackMeter. */
export function localMeter(meter: SdkMeter): StackMeter {
  return {
    reset: async () => meter.reset(),
    snapshot: async () => meter.snapshot(),
  };
}

export class SdkMeter {
  readonly dynamo = new Map<string, DynamoOperation>();
  readonly byCaller = new Map<string, DynamoOperation>();
  webSocketPosts = 0;
  webSocketPostsGone = 0;
  streamBatches = 0;
  private uninstallers: (() => void)[] = [];

  reset(): void {
    this.dynamo.clear();
    this.byCaller.clear();
    this.webSocketPosts = 0;
    this.webSocketPostsGone = 0;
    this.streamBatches = 0;
  }

  snapshot(): MeterSnapshot {
    return {
      dynamo: Object.fromEntries([...this.dynamo].map(([name, op]) => [name, { ...op }])),
      byCaller: Object.fromEntries([...this.byCaller].map(([name, op]) => [name, { ...op }])),
      webSocketPosts: this.webSocketPosts,
      webSocketPostsGone: this.webSocketPostsGone,
      streamBatches: this.streamBatches,
    };
  }

  uninstall(): void {
    for (const undo of this.uninstallers.splice(0)) undo();
  }

  /** Patches `send` of the SDK clients the handlers use (this process only). */
  install(): this {
    type Send = (
      this: unknown,
      command: { input: Record<string, unknown>; constructor: { name: string } },
      ...rest: unknown[]
    ) => Promise<Record<string, unknown>>;
    const patch = (client: { prototype: { send: unknown } }, around: (original: Send) => Send) => {
      const original = client.prototype.send as Send;
      client.prototype.send = around(original);
      this.uninstallers.push(() => (client.prototype.send = original));
    };
    const dynamo = (original: Send): Send => {
      const meter = this;
      return async function (command, ...rest) {
        const name = command.constructor.name.replace(/Command$/, '');
        const ops = [
          meter.operation(meter.dynamo, name),
          meter.operation(meter.byCaller, `${callerHere()} · ${name} ${targetOf(command.input)}`),
        ];
        command.input.ReturnConsumedCapacity ??= 'TOTAL';
        for (const op of ops) op.calls += 1;
        try {
          const output = await original.call(this, command, ...rest);
          const units = unitsOf(name, command.input, output);
          for (const op of ops) {
            op.readUnits += units.read;
            op.writeUnits += units.write;
          }
          return output;
        } catch (error) {
          const errorName = (error as { name?: string }).name;
          const refusedUnits =
            errorName === 'ConditionalCheckFailedException'
              ? 1
              : errorName === 'TransactionCanceledException'
                ? 2 * ((command.input.TransactItems as unknown[] | undefined)?.length ?? 1)
                : 0;
          if (refusedUnits > 0)
            for (const op of ops) {
              op.refused += 1;
              op.estimatedWriteUnits += refusedUnits;
            }
          throw error;
        }
      };
    };
    patch(DynamoDBClient, dynamo);
    patch(DynamoDBDocumentClient, dynamo);
    patch(DynamoDBStreamsClient, (original) => {
      const meter = this;
      return async function (command, ...rest) {
        const output = await original.call(this, command, ...rest);
        if (
          command.constructor.name === 'GetRecordsCommand' &&
          ((output.Records as unknown[] | undefined)?.length ?? 0) > 0
        )
          meter.streamBatches += 1;
        return output;
      };
    });
    patch(ApiGatewayManagementApiClient, (original) => {
      const meter = this;
      return async function (command, ...rest) {
        if (command.constructor.name === 'PostToConnectionCommand') meter.webSocketPosts += 1;
        try {
          return await original.call(this, command, ...rest);
        } catch (error) {
          if ((error as { name?: string }).name === 'GoneException') meter.webSocketPostsGone += 1;
          throw error;
        }
      };
    });
    return this;
  }

  private operation(map: Map<string, DynamoOperation>, key: string): DynamoOperation {
    let op = map.get(key);
    if (!op) {
      op = { calls: 0, refused: 0, readUnits: 0, writeUnits: 0, estimatedWriteUnits: 0 };
      map.set(key, op);
    }
    return op;
  }
}

function unitsOf(
  name: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): { read: number; write: number } {
  const consumed = output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
  const reported = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
    (sum, c) => sum + (c.CapacityUnits ?? 0),
    0,
  );
  const items = (input.TransactItems as unknown[] | undefined)?.length ?? 0;
  if (name === 'TransactWriteItems') return { read: 0, write: 2 * items };
  if (name === 'TransactGetItems') return { read: 2 * items, write: 0 };
  if (/^(Put|Update|Delete|BatchWrite)(Item)?$/.test(name)) return { read: 0, write: reported };
  return { read: reported, write: 0 };
}

/** The table(s) a request goes to, without the stack's prefix, with the index it reads. */
function targetOf(input: Record<string, unknown>): string {
  const short = (table: unknown) => String(table).replace(/^[^-]+-/, '');
  if (typeof input.TableName === 'string')
    return `${short(input.TableName)}${typeof input.IndexName === 'string' ? `.${input.IndexName}` : ''}`;
  const transact = input.TransactItems as Record<string, { TableName?: string }>[] | undefined;
  const tables = transact
    ? transact.flatMap((item) => Object.values(item).map((part) => part.TableName))
    : Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {});
  return [...new Set(tables.map(short))].sort().join('+');
}

/**
 * The files on the (async) stack at the call, `depth` frames deep. Read from V8's call sites, not
 * from `error.stack`: formatting a stack maps every frame through the source maps (tsx turns them
 * on), and at a few thousand requests a second that alone took a tenth of the stack process's
 * time, inflating what the benchmarks measure.
 */
function callerFiles(depth: number): string[] {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  Error.stackTraceLimit = depth;
  Error.prepareStackTrace = (_error, sites) => sites.map((site) => site.getFileName() ?? '');
  try {
    const holder: { stack?: string[] } = {};
    Error.captureStackTrace(holder);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/**
 * Deep enough to reach the handler's entry (or the local stack's module) from a request's call
 * site; a handler's domain module sits within the first few frames (the meter, the platform's
 * helpers, the module), so the shallow look is tried first.
 */
const DEEP_STACK = 40;
const SHALLOW_STACK = 12;

/**
 * `callerOf` the call being made, as cheaply as it can be told: inside a handler only the domain
 * module is read off the stack, and a dozen frames nearly always hold it (the first match is the
 * same at any depth); otherwise — or when they do not — the stack is read 40 deep as before.
 * At ≈ 1,000 requests a second, capturing 40 frames and matching every file took ≈ 4 % of the
 * stack process's time during a sell-out (its V8 profile, 2026-12-01); only bench runs pay it.
 */
function callerHere(): string {
  if (currentHandlerEntry() !== undefined) {
    const files = callerFiles(SHALLOW_STACK);
    if (files.some((file) => domainOf(sourceOf(file)) !== undefined)) return callerOf(files);
  }
  return callerOf(callerFiles(DEEP_STACK));
}

type Source = readonly [root: string, path: string];

/** Parsed once per file name: a request's stack repeats the same few dozen files. */
const sources = new Map<string, Source | null>();

function sourceOf(file: string): Source | null {
  let source = sources.get(file);
  if (source === undefined) {
    const match = /\/(lambdas|local|ops)\/([\w/.-]+?)\.[cm]?[jt]s$/.exec(file);
    source = match ? [match[1]!, match[2]!] : null;
    sources.set(file, source);
  }
  return source;
}

function domainOf(source: Source | null): string | undefined {
  return source && source[0] === 'lambdas' && source[1].startsWith('core/') && !source[1].startsWith('core/platform/')
    ? source[1]
    : undefined;
}

/**
 * Who made a request: the handler it ran in (`steps/charge-payment`, `api/orders`; the local
 * handler loader tells), else the outermost local-stack module on the stack (`local/local-stack`),
 * and the innermost domain module under lambdas/core/ other than the platform's plumbing
 * (`orders/order-store`), from the files on the (async) stack at the call.
 */
export function callerOf(stackFiles: readonly string[]): string {
  const files = stackFiles.flatMap((file) => {
    const source = sourceOf(file);
    return source ? [source] : [];
  });
  const domain = files.map(domainOf).find((path) => path !== undefined);
  const entry = currentHandlerEntry();
  const outer = entry
    ? undefined
    : [...files].reverse().find(([root, path]) => root !== 'lambdas' || !path.startsWith('core/'));
  const handler = entry
    ? entry.replace(/^lambdas\//, '').replace(/\.ts$/, '')
    : outer
      ? `${outer[0]}/${outer[1]}`
      : '?';
  return `${handler} › ${domain ? domain.replace(/^core\//, '') : '-'}`;
}
