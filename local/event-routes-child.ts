/**
 * The child side of event-routes-process.ts: serves the read-only event routes (`GET /api/events`,
 * `/api/events/{eventId}`, `/api/events/{eventId}/seat-map`) through the same gateway and the same
 * handler module as the stack, on a port of its own. Started as
 * `node --import tsx local/event-routes-child.ts '<EventRoutesChildOptions as JSON>'`; answers
 * `{ type: 'ready', url }` over the IPC channel and exits when the channel closes or on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_HANDLERS, ROUTES } from '../contract/http-routes';
import { parseConfig } from '../lambdas/core/platform/config';
import type { EventRoutesChildOptions, EventRoutesReply } from './event-routes-process';
import { loadHandler } from './handler-loader';
import { type ApiHandler, createHttpGateway } from './http-gateway';
import { createLocalPlatform, tableEnvironment } from './local-platform';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('event-routes-child.ts runs under event-routes-process.ts (it needs the IPC channel)');
  const options = JSON.parse(process.argv[2] ?? '{}') as EventRoutesChildOptions;
  const platform = createLocalPlatform(parseConfig(tableEnvironment(options.tables)), {
    dynamo: options.dynamoEndpoint,
  });
  const handler = await loadHandler<ApiHandler>(PROJECT_ROOT, API_HANDLERS.events.entry, platform);
  const server = createServer(
    createHttpGateway({
      routes: ROUTES.filter((route) => route.handler === 'events'),
      handlerFor: () => handler,
      staticDir: join(PROJECT_ROOT, 'frontend', 'dist'),
    }),
  );
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  send({ type: 'ready', url: `http://127.0.0.1:${port}` } satisfies EventRoutesReply);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
