import type { TableNames } from '../contract/tables';
import type { ShardJob } from '../lambdas/core/live/shard-delivery';
import type { DeadLetter } from './faults/fault-switch';
import { startTsxChild } from './tsx-child';

/**
 * The live map's tick builder (the seat-map-ticks consumer: the seats stream's feed and
 * lambdas/realtime/live-map.ts) in a Node process of its own, beside a local stack.
 *
 * Why: on AWS the tick builder is a Lambda of its own; the local stack runs every handler on one
 * event loop, and during a sale that loop is saturated by the sale's handlers (profiled: 96–98 %
 * busy), so each await of the tick path — the stream's GetRecords, the map's read and write —
 * waited behind the sale's callbacks. Here the tick path has a loop to itself. The same handler
 * module and stream feed run; each tick's shard jobs come back to the stack over the IPC channel
 * (the stack's shard invoker runs them, as Lambda's asynchronous invoke would), dead letters too.
 * It reads DynamoDB Local directly and injects no stream faults (the fault switch lives in the
 * stack): an opt-in for benchmarks (`LocalStackOptions.liveMapProcess`), which say so.
 */

export interface LiveMapTicksChildOptions {
  /** DynamoDB Local (the stack's). */
  readonly dynamoEndpoint: string;
  readonly tables: TableNames;
  /** The handlers' configuration as the stack has it (live-map settings, `@connections` endpoint). */
  readonly environment: Record<string, string>;
}

/** child → parent over the IPC channel. */
export type LiveMapTicksReply =
  | { readonly type: 'ready' }
  | { readonly type: 'shard-job'; readonly job: ShardJob }
  | { readonly type: 'dead-letter'; readonly letter: DeadLetter };

export interface LiveMapTicksHooks {
  /** A tick's job for one shard: run it as the stack's shard invoker does. */
  readonly onShardJob: (job: ShardJob) => void;
  readonly onDeadLetter: (letter: DeadLetter) => void;
  readonly onOutput?: (text: string) => void;
}

export interface LiveMapTicksProcess {
  readonly pid: number;
  /** SIGTERM, then waits for the exit; idempotent. */
  stop(): Promise<void>;
}

/** Resolves once the child reads the seats stream (from its current end, as the stack's own feeds do). */
export async function startLiveMapTicksProcess(
  options: LiveMapTicksChildOptions,
  hooks: LiveMapTicksHooks,
): Promise<LiveMapTicksProcess> {
  const { pid, stop } = await startTsxChild(
    new URL('./live-map-ticks-child.ts', import.meta.url),
    options,
    'live map ticks',
    {
      readyOf: (message) => ((message as LiveMapTicksReply).type === 'ready' ? true : undefined),
      onMessage: (message) => {
        const reply = message as LiveMapTicksReply;
        if (reply.type === 'shard-job') hooks.onShardJob(reply.job);
        else if (reply.type === 'dead-letter') hooks.onDeadLetter(reply.letter);
      },
      ...(hooks.onOutput ? { onOutput: hooks.onOutput } : {}),
    },
  );
  return { pid, stop };
}
