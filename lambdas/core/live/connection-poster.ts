import {
  type ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';

/** Sends one message to one WebSocket connection; `gone` when the socket no longer exists. */
export interface ConnectionPoster {
  post(connectionId: string, data: string): Promise<'sent' | 'gone'>;
}

/** The poster on API Gateway's `@connections` management API (the local stack serves it too). */
export function managementApiPoster(client: ApiGatewayManagementApiClient): ConnectionPoster {
  const encoder = new TextEncoder();
  return {
    async post(connectionId, data) {
      try {
        await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: encoder.encode(data) }));
        return 'sent';
      } catch (error) {
        if (error instanceof GoneException || httpStatusOf(error) === 410) return 'gone';
        throw error;
      }
    },
  };
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}
