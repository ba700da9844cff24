import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { deleteConnection } from '../core/live/connections';
import { storeFromEnv } from '../core/platform/store';
import { wsResult } from './ws-result';

/** $disconnect: forgets the connection. Best effort on AWS; the TTL catches any that never come. */
const store = storeFromEnv();

export async function handler(event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  await deleteConnection(store, event.requestContext.connectionId);
  return wsResult(200);
}
