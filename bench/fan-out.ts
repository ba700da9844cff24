/**
 * Fan-out (npm run bench:fanout [-- --viewers 1000 --seats 500]): WebSocket viewers that only
 * watch while the seats sell out (best available, zero payment delay, 20 % more buyers than
 * seats), on the local stack in this process. Change → viewer latency is timed from each hold's
 * own timestamp (holdExpiresAt − holdSeconds) to its arrival at the viewer.
 */
import { parseArgs } from 'node:util';
import { runDrop } from './simulator/drop';
import { startInProcessTarget } from './simulator/local-target';
import { DEFAULTS } from './simulator/options';
import { machineDescription, printTable } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main() {
  const { values } = parseArgs({
    options: { viewers: { type: 'string', default: '1000' }, seats: { type: 'string', default: '500' } },
  });
  const viewers = Number(values.viewers);
  const seats = Number(values.seats);
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
  const { target, stop } = await startInProcessTarget(options);
  try {
    await runDrop({ ...options, buyers: 20, seats: 20, viewers: 10 }, target); // warm-up
    const drop = await runDrop(options, target);
    console.log(
      `\nFan-out: ${viewers} WebSocket viewers while ${seats} seats sell out (${options.buyers} buyers), local stack in one process`,
    );
    console.log(`${new Date().toISOString().slice(0, 10)} · ${machineDescription()}\n`);
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
        'msgs/viewer/s': drop.viewers.messagesPerViewerPerSecond,
        'WebSocket msgs total': drop.usage.webSocketMessages.value,
      },
    ]);
    console.log(`\nverdict: ${drop.verdict.ok ? 'OK' : `FAILED: ${drop.verdict.problems.join('; ')}`}`);
    process.exitCode = drop.verdict.ok ? 0 : 1;
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
