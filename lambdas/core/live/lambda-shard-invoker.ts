import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ShardInvoker } from './shard-delivery';

/**
 * The shard worker started by Lambda's asynchronous invoke: one `Invoke` (type `Event`) per shard
 * and tick; Lambda queues it, retries a failed one twice and sends what still fails to the
 * function's dead-letter queue (lib/realtime/live-map-functions.ts).
 */
export function lambdaShardInvoker(client: LambdaClient, functionName: string): ShardInvoker {
  const encoder = new TextEncoder();
  return {
    async invoke(job) {
      await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: encoder.encode(JSON.stringify(job)),
        }),
      );
    },
  };
}
