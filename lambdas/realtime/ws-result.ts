import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LiveMessage } from '../../contract/live-messages';

/**
 * What a WebSocket route handler returns. The status decides $connect (non-2xx refuses the
 * socket); the body reaches the client only on routes with a route response (see ws-routes.ts).
 */
export function wsResult(statusCode: number, message?: LiveMessage): APIGatewayProxyStructuredResultV2 {
  return message === undefined ? { statusCode } : { statusCode, body: JSON.stringify(message) };
}
