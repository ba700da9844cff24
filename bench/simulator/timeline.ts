import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { BuyerRecord } from './buyer';
import { executionArnOf, executionHistory, stepFunctionsClient } from './execution-costs';
import { type Summary, summarize } from './stats';

/**
 * Where a purchase's time goes, along one order: the buyer's steps (its own clock, performance.now()
 * turned into epoch ms) and the flow's (the execution history's timestamps, same machine, same
 * wall clock). Each segment is a difference of two instants of the same order, summarized over the
 * drop's winners: what `bench:sellout --timeline` prints to show what bounds the purchase rate.
 *
 *   arrival → session answered → hold asked → held → pay sent → flow resumed (the wait's task
 *   succeeded: SendTaskSuccess arrived) → each later state entered → execution ended → the buyer
 *   heard CONFIRMED (orders stream → broadcaster → socket, or its poll)
 */

export interface TimelineRow {
  readonly segment: string;
  readonly ms: Summary;
}

const epoch = (performanceMs: number) => performance.timeOrigin + performanceMs;

export async function orderTimelines(
  endpoint: string | undefined,
  stateMachineArn: string,
  winners: readonly BuyerRecord[],
): Promise<TimelineRow[]> {
  const sfn = stepFunctionsClient(endpoint);
  const segments = new Map<string, number[]>();
  const add = (segment: string, from: number | undefined, to: number | undefined) => {
    if (from === undefined || to === undefined) return;
    const list = segments.get(segment) ?? [];
    list.push(to - from);
    segments.set(segment, list);
  };
  const queue = winners.filter((r) => r.orderId !== undefined);
  const worker = async () => {
    for (let rec = queue.shift(); rec !== undefined; rec = queue.shift()) {
      const events = await executionHistory(sfn, executionArnOf(stateMachineArn, rec.orderId!));
      const at = (e: HistoryEvent | undefined) => e?.timestamp?.getTime();
      const started = at(events.find((e) => e.type === 'ExecutionStarted'));
      const ended = at(events.find((e) => e.type === 'ExecutionSucceeded'));
      // The wait's task succeeding is the buyer's SendTaskSuccess arriving: the flow resumes there.
      const resumedIndex = events.findIndex((e) => e.type === 'TaskSucceeded');
      const resumed = at(events[resumedIndex]);
      add('arrival → held (session, create)', epochOf(rec.arrivedAt), epochOf(rec.heldAt));
      add('hold asked → held (the create on the wire)', epochOf(rec.holdRequestedAt), epochOf(rec.heldAt));
      add('held → flow started', epochOf(rec.heldAt), started);
      add('held → pay sent (socket open)', epochOf(rec.heldAt), epochOf(rec.payRequestedAt));
      add('  held → socket open ($connect)', epochOf(rec.heldAt), epochOf(rec.socketOpenedAt));
      add('  socket open → pay on the wire', epochOf(rec.socketOpenedAt), epochOf(rec.payRequestedAt));
      add('pay sent → flow resumed', epochOf(rec.payRequestedAt), resumed);
      // Every state after the resume: entered → exited (its own time), and the gap before it.
      let previousExit = resumed;
      const entered = new Map<string, number>();
      for (const event of events.slice(resumedIndex + 1)) {
        const name = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
        if (!name) continue;
        if (event.type?.endsWith('StateEntered')) {
          add(`  gap before ${name}`, previousExit, at(event));
          entered.set(name, at(event)!);
        } else if (event.type?.endsWith('StateExited')) {
          add(`  ${name}`, entered.get(name), at(event));
          previousExit = at(event);
        }
      }
      add('flow resumed → execution ended', resumed, ended);
      add('execution ended → buyer heard CONFIRMED', ended, epochOf(rec.endedAt));
      add('pay sent → buyer heard CONFIRMED', epochOf(rec.payRequestedAt), epochOf(rec.endedAt));
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    sfn.destroy();
  }
  return [...segments].map(([segment, values]) => ({ segment, ms: summarize(values) }));
}

function epochOf(performanceMs: number | undefined): number | undefined {
  return performanceMs === undefined ? undefined : epoch(performanceMs);
}
