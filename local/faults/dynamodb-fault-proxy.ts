import { randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../../lambdas/core/platform/logger';
import type { FaultSwitch } from './fault-switch';

/**
 * A fault proxy in front of DynamoDB Local. The handlers' AWS_ENDPOINT_URL_DYNAMODB points here;
 * every request is forwarded unchanged, except that a drawn share of data-plane calls is answered
 * — without forwarding — the way DynamoDB answers a throttle (HTTP 400
 * ProvisionedThroughputExceededException) or a server fault (HTTP 500 InternalServerError). The
 * handlers' own SDK clients see real DynamoDB errors, so their real retries (and retry quotas) run.
 */

/** The operations whose calls can fail (control-plane calls such as DescribeTable never do). */
export const DATA_PLANE_OPERATIONS: ReadonlySet<string> = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

/** The fault kinds this proxy injects: while none is switched on, the handlers skip it. */
export const DYNAMODB_FAULT_KINDS = ['dynamodb.throttle', 'dynamodb.error'] as const;

/**
 * Where the handlers' DynamoDB requests go, asked per request: through the proxy while a DynamoDB
 * fault is switched on, else to DynamoDB Local itself. Forwarding costs the process that runs the
 * proxy a second HTTP exchange per request; in a sale that is most of its DynamoDB work.
 */
export function handlerDynamoEndpoint(
  proxy: Pick<DynamoDbFaultProxy, 'endpoint'>,
  upstreamEndpoint: string,
  faults: Pick<FaultSwitch, 'injectsAny'>,
): () => string {
  return () => (faults.injectsAny(DYNAMODB_FAULT_KINDS) ? proxy.endpoint : upstreamEndpoint);
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const ERROR_NAMESPACE = 'com.amazonaws.dynamodb.v20120810#';

/** DynamoDB's own words for a throttle and a server fault. */
export const THROTTLE_ANSWER = {
  status: 400,
  body: {
    __type: `${ERROR_NAMESPACE}ProvisionedThroughputExceededException`,
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
} as const;
export const SERVER_ERROR_ANSWER = {
  status: 500,
  body: { __type: `${ERROR_NAMESPACE}InternalServerError`, message: 'Internal server error' },
} as const;

export interface DynamoDbFaultProxy {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_DYNAMODB. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startDynamoDbFaultProxy(
  upstreamEndpoint: string,
  faults: FaultSwitch,
): Promise<DynamoDbFaultProxy> {
  const upstream = new URL(upstreamEndpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.warn('DynamoDB fault proxy: request failed', { error: error as Error });
      // The client sees a dropped connection, which its SDK treats as transient and retries.
      if (!res.headersSent) res.destroy();
    });
  });
  // A client that goes away mid-request is not an error of the proxy.
  server.on('clientError', (_error, socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const operation = String(req.headers['x-amz-target'] ?? '').replace(TARGET_PREFIX, '');
    if (DATA_PLANE_OPERATIONS.has(operation)) {
      const injected = faults.draw('dynamodb.throttle')
        ? THROTTLE_ANSWER
        : faults.draw('dynamodb.error')
          ? SERVER_ERROR_ANSWER
          : undefined;
      if (injected) return answer(res, injected.status, injected.body);
    }
    await forward(req, body, res);
  }

  function forward(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
          agent,
        },
        (incoming) => {
          res.writeHead(incoming.statusCode ?? 502, incoming.headers);
          incoming.pipe(res);
          incoming.on('end', resolve);
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
