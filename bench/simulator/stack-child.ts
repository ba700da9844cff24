/**
 * The child side of stack-process.ts: runs one local stack in this process, its SDK calls metered,
 * and talks to the parent over the IPC channel. Started as
 * `node --import tsx bench/simulator/stack-child.ts '<StackChildOptions as JSON>'`.
 *
 *   child → parent  { type: 'ready', endpoints } once the stack serves, or { type: 'failed', message }
 *   parent → child  { type: 'stats' | 'reset', id }; the child answers with the same type and id
 *                   (stats: the meter's snapshot since the last reset)
 *
 * The child stops its stack and exits on SIGTERM, and when the IPC channel closes — the parent
 * stopped or died, however it died — so no stack outlives the benchmark that started it.
 */
import { SdkMeter } from './aws-meter';
import type { StackChildOptions, StackEndpoints, StackReply, StackRequest } from './stack-process';

/** How long a stop may take before the child exits anyway (DynamoDB Local is tied to it and follows). */
const STOP_GRACE_MS = 20_000;

async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('stack-child.ts runs under stack-process.ts (it needs the IPC channel)');
  const options = JSON.parse(process.argv[2] ?? '{}') as StackChildOptions;
  // Installed before the stack's modules load, so every client they make is counted.
  const meter = new SdkMeter().install();
  const { startLocalStack } = await import('../../local/local-stack');
  let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (code: number) => {
    stopping ??= (async () => {
      setTimeout(() => process.exit(code), STOP_GRACE_MS).unref();
      await stack?.stop().catch(() => undefined);
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  process.on('disconnect', () => void stop(0));
  process.on('message', (message: StackRequest) => {
    if (message.type === 'stats') {
      send({ type: 'stats', id: message.id, snapshot: meter.snapshot() } satisfies StackReply);
    } else {
      meter.reset();
      send({ type: 'reset', id: message.id } satisfies StackReply);
    }
  });
  try {
    stack = await startLocalStack({ port: 0, ...options.stack });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    await stop(1);
    return;
  }
  const endpoints: StackEndpoints = {
    url: stack.url,
    webSocketUrl: stack.webSocketUrl,
    adminKey: stack.adminKey,
    stateMachineArn: stack.stateMachineArn,
    dynamoEndpoint: stack.dynamo.endpoint,
    tables: stack.tables,
    ticketSigningKey: stack.ticketSigningKey,
  };
  send({ type: 'ready', endpoints } satisfies StackReply);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
