import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { API_HANDLERS, ROUTES, type ApiHandlerId } from '../lib/api/routes';
import { prefixedTableNames, TABLE_ENV, type TableNames } from '../lib/data/table-specs';
import { createEvent } from '../lambdas/core/create-event';
import { EventExists } from '../lambdas/core/errors';
import { createStore } from '../lambdas/core/store';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { createHttpGateway, type ApiHandler } from './http-gateway';
import { createTables, localDynamoClientConfig } from './tables';

/**
 * The embedded local stack: DynamoDB Local, tables from the shared specs, and one HTTP server on
 * 127.0.0.1 that serves the frontend and the API through the same handlers that run on AWS.
 * Handlers read their configuration from the environment, exactly as on Lambda, so this module
 * sets that environment before it loads them (once per process: ES modules are cached).
 */

export interface LocalStackOptions {
  /** Persist DynamoDB data here; in memory when absent. */
  readonly dataDir?: string;
  /** Port of the HTTP server; 0 picks a free one. */
  readonly port?: number;
  readonly tablePrefix?: string;
}

export interface LocalStack {
  readonly url: string;
  readonly port: number;
  readonly dynamo: DynamoDbLocal;
  readonly tables: TableNames;
  stop(): Promise<void>;
}

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEMO_EVENT = {
  eventId: 'ticketdrop-live',
  name: 'TicketDrop Live',
  venue: 'The Local Stage',
  rows: 5,
  seatsPerRow: 6,
  priceCents: 4500,
  currency: 'EUR',
  holdSeconds: 900,
  maxSeatsPerOrder: 6,
} as const;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dynamo = await startDynamoDbLocal(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'dynamodb') });
  try {
    const tables = prefixedTableNames(options.tablePrefix ?? 'ticketdrop');
    const client = new DynamoDBClient(localDynamoClientConfig(dynamo.endpoint));
    await createTables(client, tables);
    await seedDemoEvent(createStore(client, tables));

    Object.assign(process.env, handlerEnvironment(dynamo.endpoint, tables));
    const handlers = await loadHandlers();
    const server = createServer(
      createHttpGateway({
        routes: ROUTES,
        handlerFor: (route) => handlers.get(route.handler)!,
        staticDir: join(PROJECT_ROOT, 'frontend', 'public'),
      }),
    );
    const port = await listen(server, options.port ?? 0);
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      dynamo,
      tables,
      async stop() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await dynamo.stop();
      },
    };
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}

/** What Lambda's configuration gives a handler on AWS, pointed at the local services. */
export function handlerEnvironment(dynamoEndpoint: string, tables: TableNames): Record<string, string> {
  const tableVariables = Object.fromEntries(
    Object.entries(TABLE_ENV).map(([id, variable]) => [variable, tables[id as keyof TableNames]]),
  );
  return {
    ...tableVariables,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_REGION: 'us-east-1',
    // Local services ignore credentials; fixed dummies keep the SDK away from real profiles.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** The demo event of the seat-map prototype: 5 rows × 6 seats. Already there → left as it is. */
export async function seedDemoEvent(store: ReturnType<typeof createStore>): Promise<void> {
  try {
    await createEvent(store, DEMO_EVENT);
  } catch (error) {
    if (!(error instanceof EventExists)) throw error;
  }
}

async function loadHandlers(): Promise<Map<ApiHandlerId, ApiHandler>> {
  const handlers = new Map<ApiHandlerId, ApiHandler>();
  for (const [id, { entry }] of Object.entries(API_HANDLERS) as [ApiHandlerId, { entry: string }][]) {
    const module = (await import(pathToFileURL(join(PROJECT_ROOT, entry)).href)) as { handler: ApiHandler };
    handlers.set(id, module.handler);
  }
  return handlers;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
