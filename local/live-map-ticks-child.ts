/**
 * The child side of live-map-ticks-process.ts: the seats stream's feed into the live map's tick
 * builder (the seat-map-ticks consumer, with its own event source settings), in this process.
 * Started as `node --import tsx local/live-map-ticks-child.ts '<LiveMapTicksChildOptions as JSON>'`;
 * answers `{ type: 'ready' }` once the feed reads the stream, sends each shard job and dead letter
 * to the parent, and exits when the IPC channel closes or on SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { SEAT_MAP_TICKS } from '../contract/stream-consumers';
import { parseConfig } from '../lambdas/core/platform/config';
import { loadHandler } from './handler-loader';
import type { LiveMapTicksChildOptions, LiveMapTicksReply } from './live-map-ticks-process';
import { createLocalPlatform, tableEnvironment } from './local-platform';
import { type StreamFeed, type StreamHandler, startStreamFeed, streamFeedClients } from './stream-feed';
import { TickPathTimings } from './tick-path-timings';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('live-map-ticks-child.ts runs under live-map-ticks-process.ts (it needs the IPC channel)');
  const reply = (message: LiveMapTicksReply) => {
    if (process.connected) send(message);
  };
  const options = JSON.parse(process.argv[2] ?? '{}') as LiveMapTicksChildOptions;
  let feed: StreamFeed | undefined;
  let stopping = false;
  const timings = new TickPathTimings();
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 2_000).unref();
    void (feed?.stop() ?? Promise.resolve()).finally(() => {
      // Where this run's change → build time went (bench:fanout's output carries it).
      process.stderr.write(`Live map tick path (ms): ${JSON.stringify(timings.summary())}\n`, () => process.exit(0));
    });
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  const platform = createLocalPlatform(
    parseConfig({ ...options.environment, ...tableEnvironment(options.tables) }),
    { dynamo: options.dynamoEndpoint },
    // The shard workers run in the stack, beside its WebSocket gateway (Lambda's async invoke there).
    {
      shardInvoker: () => ({
        invoke: async (job) => {
          if (job.shard === 0) timings.published(job.data);
          reply({ type: 'shard-job', job });
        },
      }),
    },
  );
  const handler = await loadHandler<StreamHandler>(PROJECT_ROOT, SEAT_MAP_TICKS.entry, platform);
  const clients = streamFeedClients(options.dynamoEndpoint);
  timings.timeGetRecords(clients.streams);
  feed = await startStreamFeed({
    ...clients,
    tableNames: [options.tables.seats],
    handler: timings.timeHandler(handler),
    consumer: SEAT_MAP_TICKS.name,
    settings: SEAT_MAP_TICKS.eventSource,
    deadLetter: (letter) => reply({ type: 'dead-letter', letter }),
  });
  reply({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
