/**
 * Fan-out (npm run bench:fanout [-- --viewers 1000 --seats 500 --pollers 10000 --poll-seconds 5
 * --poll-connections 256 --json]): the live seat map during sell-outs, the stack in its own process
 * (bench/simulator/stack-process.ts) and the read-only event routes the pollers ask in a third
 * (local/event-routes-process.ts), the viewers and pollers in this one.
 *  1. WebSocket viewers that only watch while the seats sell out (best available, zero payment
 *     delay, 20 % more buyers than seats). Change → viewer latency is timed from each hold's own
 *     timestamp (holdExpiresAt − holdSeconds) to its arrival at the viewer.
 *  2. Snapshot pollers during a second sell-out: each polls GET /api/events/{id}/seat-map every
 *     `poll-seconds` with If-None-Match, all of them evenly paced (pollers ÷ poll-seconds requests/s).
 *     Reported apart: on the wire (request on a connection → answer), queued for a connection of
 *     this process, how late the pacer sent, and this process's event-loop delay.
 * Then the live map's cost and quota use for 100,000 viewers on AWS (bench/simulator/live-map-cost.ts).
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseConfig } from '../lambdas/core/platform/config';
import { runDrop } from './simulator/drop';
import { priceLiveMap } from './simulator/live-map-cost';
import { DEFAULTS } from './simulator/options';
import { cpuSecondsBetween, cpuSecondsOf } from './simulator/process-cpu';
import { POLL_CONNECTIONS, pollDuringSellOut } from './simulator/snapshot-pollers';
import { startStackFor } from './simulator/stack-process';
import { machineDescription, printTable } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main() {
  const { values } = parseArgs({
    options: {
      viewers: { type: 'string', default: '1000' },
      seats: { type: 'string', default: '500' },
      pollers: { type: 'string', default: '10000' },
      'poll-seconds': { type: 'string', default: '5' },
      'poll-connections': { type: 'string', default: String(POLL_CONNECTIONS) },
      json: { type: 'boolean', default: false },
      // The tick builder on the stack's own event loop (as before issue #14's last step): for A/B runs.
      'live-map-in-stack': { type: 'boolean', default: false },
    },
  });
  const liveMapProcess = !values['live-map-in-stack'];
  const viewers = Number(values.viewers);
  const seats = Number(values.seats);
  const pollers = Number(values.pollers);
  const pollSeconds = Number(values['poll-seconds']);
  const pollConnections = Number(values['poll-connections']);
  const options = {
    ...DEFAULTS,
    buyers: Math.ceil(seats * 1.2),
    seats,
    viewers,
    paymentLatencyMs: 0,
    notificationLatencyMs: 0,
    holdSeconds: 300,
    timeoutSeconds: 1200,
  };
  const loadAtStart = loadavg();
  // The polls go to the event routes' own process (as Lambda runs them apart from the sale's handlers).
  // The tick builder in a process of its own too (a Lambda of its own on AWS; local/live-map-ticks-process.ts).
  const stack = await startStackFor(options, { eventRoutesProcess: pollers > 0, liveMapProcess });
  try {
    const { target } = stack;
    await runDrop({ ...options, buyers: 20, seats: 20, viewers: 10 }, target); // warm-up
    // The viewers share this process with the buyers: its own delay is part of build → viewer.
    const viewerLoop = monitorEventLoopDelay({ resolution: 10 });
    viewerLoop.enable();
    const cpuBefore = cpuSecondsOf(stack.pid);
    const drop = await runDrop(options, target);
    // The stack's CPU for the sale (its process; DynamoDB Local's JVM apart): hardly load-dependent.
    const stackCpu = cpuSecondsBetween(cpuBefore, cpuSecondsOf(stack.pid));
    viewerLoop.disable();
    const viewerLoopDelayP99Ms = viewerLoop.percentile(99) / 1e6;
    // Printed at once: the pollers' sell-out that follows can take a while on a busy machine.
    const load = `load average ${loadAtStart.map((l) => l.toFixed(1)).join(' ')} at start, ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} after the viewers' drop`;
    console.log(
      `\nFan-out: ${viewers} WebSocket viewers while ${seats} seats sell out (${options.buyers} buyers), local stack in its own process, the live map's tick builder ${liveMapProcess ? 'in a third' : 'in the stack process'}`,
    );
    console.log(`${new Date().toISOString().slice(0, 16)}Z · ${machineDescription()} · ${load}\n`);
    printTable([
      {
        viewers,
        seats,
        sold: drop.ticketsSold,
        'sell-out s': drop.sellOutSeconds ?? NaN,
        'holds timed': drop.latencyMs.changeToViewer.count,
        'change→viewer p50 ms': drop.latencyMs.changeToViewer.p50,
        'p90 ms': drop.latencyMs.changeToViewer.p90,
        'p99 ms': drop.latencyMs.changeToViewer.p99,
        'change→build p50 / p99 ms': `${drop.latencyMs.changeToBuild.p50} / ${drop.latencyMs.changeToBuild.p99}`,
        'build→viewer p50 / p99 ms': `${drop.latencyMs.buildToViewer.p50} / ${drop.latencyMs.buildToViewer.p99}`,
        'client loop delay p99 ms': round(viewerLoopDelayP99Ms, 1),
        'hold request p50 / p99 ms': `${drop.latencyMs.hold.p50} / ${drop.latencyMs.hold.p99}`,
        'msgs/viewer/s': round(drop.viewers.messagesPerViewerPerSecond, 2),
        'WebSocket msgs total': drop.usage.webSocketMessages.value,
        'stack CPU s (process / DynamoDB Local)': `${round(stackCpu.self, 1)} / ${round(stackCpu.descendants, 1)}`,
      },
    ]);
    const polls =
      pollers > 0
        ? await pollDuringSellOut(stack.eventRoutesUrl ?? target.url, pollers, pollSeconds, pollConnections, () =>
            runDrop({ ...options, viewers: 0 }, target),
          )
        : undefined;
    const loadAtEnd = loadavg();

    const settings = parseConfig({}).liveMap;
    const cost = priceLiveMap({
      viewers: 100_000,
      socketBudget: settings.socketViewers,
      tickMs: settings.tickMs,
      shards: settings.shards,
      saleMinutes: 10,
      watchMinutes: 30,
      pollSeconds: settings.pollMs / 1000,
      edgeLocations: 50,
      snapshotBytes: 8_000,
      pingMinutes: 5,
    });

    if (polls) {
      console.log(`\nSnapshot pollers during a second ${seats}-seat sell-out`);
      printTable([
        {
          pollers: polls.pollers,
          'every s': polls.pollSeconds,
          'target req/s': polls.targetRequestsPerSecond,
          'achieved req/s': round(polls.achievedRequestsPerSecond, 0),
          requests: polls.requests,
          '200': polls.ok,
          '304': polls.notModified,
          errors: polls.errors,
          'resent on reset': polls.retriedOnReset,
          '304 share': round(polls.notModifiedShare, 3),
          'unchanged polls (304 share)': `${polls.unchangedPolls} (${polls.notModifiedShareOfUnchanged === null ? '–' : round(polls.notModifiedShareOfUnchanged, 3)})`,
          'p50 ms': round(polls.pollP50Ms, 1),
          'p99 ms': round(polls.pollP99Ms, 1),
          'on the wire p50 / p99 ms': `${round(polls.wireP50Ms, 1)} / ${round(polls.wireP99Ms, 1)}`,
          'queued p99 ms': round(polls.queueP99Ms, 1),
          'client loop delay p99 ms': round(polls.clientLoopDelayP99Ms, 1),
          'sent late p99 ms': round(polls.pacingLateP99Ms, 1),
          connections: polls.connections,
          'map versions': polls.mapVersionsSeen,
          '1 s cache hits (emulated)': round(polls.sharedCacheHitShare, 3),
        },
      ]);
      const after = polls.afterSale;
      console.log(`Then ${after.seconds} s more after the sell-out (the map no longer changing)`);
      printTable([
        {
          requests: after.requests,
          '304': after.notModified,
          '304 share': round(after.notModifiedShare, 3),
          'unchanged polls (304 share)': `${after.unchangedPolls} (${after.notModifiedShareOfUnchanged === null ? '–' : round(after.notModifiedShareOfUnchanged, 3)})`,
        },
      ]);
    }
    console.log(
      `\nThe live map for 100,000 viewers on AWS (${cost.socketViewers} on sockets, ${cost.pollers} polling every ${settings.pollMs / 1000} s; 10 min sale, 30 min watching)`,
    );
    printTable(
      cost.lines.map((line) => ({ item: line.item, quantity: round(line.quantity, 1), $: round(line.dollars, 2) })),
    );
    console.log(
      `total $${cost.totalDollars.toFixed(2)} · @connections posts ${cost.postsPerSecond}/s (${(cost.shareOfAccountRequestBudget * 100).toFixed(0)} % of the account's 10,000 req/s) · polls ${cost.viewerRequestsPerSecond}/s at CloudFront, ≤ ${cost.originRequestsPerSecond}/s to the API`,
    );
    const verdicts = [drop.verdict, ...(polls ? [] : [])];
    const ok = verdicts.every((v) => v.ok) && (polls === undefined || polls.errors === 0);
    console.log(
      `\nverdict: ${ok ? 'OK' : `FAILED: ${drop.verdict.problems.join('; ') || `${polls?.errors} poll errors ${JSON.stringify(polls?.errorKinds)}`}`}`,
    );
    if (values.json) {
      console.log(
        JSON.stringify({
          benchmark: 'fanout',
          at: new Date().toISOString(),
          machine: machineDescription(),
          loadAverage: { start: loadAtStart, end: loadAtEnd },
          viewers,
          seats,
          liveMapProcess,
          sold: drop.ticketsSold,
          sellOutSeconds: drop.sellOutSeconds,
          p50Ms: drop.latencyMs.changeToViewer.p50,
          p90Ms: drop.latencyMs.changeToViewer.p90,
          p99Ms: drop.latencyMs.changeToViewer.p99,
          holdsTimed: drop.latencyMs.changeToViewer.count,
          changeToBuild: drop.latencyMs.changeToBuild,
          buildToViewer: drop.latencyMs.buildToViewer,
          viewerLoopDelayP99Ms,
          // The buyers' order-create requests: the seat write the change is timed from is inside.
          holdRequest: drop.latencyMs.hold,
          msgsPerViewerPerSecond: drop.viewers.messagesPerViewerPerSecond,
          webSocketMessages: drop.usage.webSocketMessages.value,
          stackCpuSeconds: stackCpu,
          ...(polls ? { polls } : {}),
          pollP99Ms: polls?.pollP99Ms ?? null,
          notModifiedShare: polls?.notModifiedShare ?? null,
          notModifiedShareAfterSale: polls?.afterSale.notModifiedShare ?? null,
          sharedCacheHitShare: polls?.sharedCacheHitShare ?? null,
          cost100k: cost,
          ok,
        }),
      );
    }
    process.exitCode = ok ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
