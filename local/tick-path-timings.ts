import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamHandler } from './stream-feed';

/**
 * Where the change → build time of the live map goes, as the tick builder's own process sees it
 * (local/live-map-ticks-child.ts prints the summary when it stops): per seat record, from its
 * seat write (`updatedAt`) to the handler's call — the stream, the feed's wait for the previous
 * tick's end or its idle poll, and the GetRecords that read it —; per tick, from the handler's call
 * to the build (`builtAt` of the message it publishes: the wait for the tick plus the map read);
 * and each GetRecords on its own. Measurement only: nothing here changes what the feed delivers.
 */
export class TickPathTimings {
  private readonly writeToCall: number[] = [];
  private readonly callToBuild: number[] = [];
  private readonly getRecords: number[] = [];
  private calledAt: number | undefined;

  /** The handler, timed: when each batch reached it and how old its seat writes were then. */
  timeHandler(handler: StreamHandler): StreamHandler {
    return async (event: DynamoDBStreamEvent) => {
      const at = Date.now();
      this.calledAt = at;
      for (const record of event.Records) {
        const updatedAt = Number(record.dynamodb?.NewImage?.updatedAt?.N);
        if (Number.isFinite(updatedAt)) this.writeToCall.push(at - updatedAt);
      }
      return handler(event);
    };
  }

  /** A published message (serialized): its build time against the current handler call. */
  published(data: string): void {
    const builtAt = (JSON.parse(data) as { builtAt?: number }).builtAt;
    if (builtAt !== undefined && this.calledAt !== undefined) this.callToBuild.push(builtAt - this.calledAt);
  }

  /** Times every GetRecords of the client (an SDK middleware). */
  timeGetRecords(streams: DynamoDBStreamsClient): void {
    streams.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'GetRecordsCommand') return next(args);
        const started = Date.now();
        try {
          return await next(args);
        } finally {
          this.getRecords.push(Date.now() - started);
        }
      },
      { step: 'initialize', name: 'tickPathGetRecordsTiming' },
    );
  }

  summary(): Record<string, Percentiles> {
    return {
      seatWriteToHandlerCall: percentiles(this.writeToCall),
      handlerCallToBuild: percentiles(this.callToBuild),
      getRecords: percentiles(this.getRecords),
    };
  }
}

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1) ?? 0 };
}
