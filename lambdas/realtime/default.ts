import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { wsResult } from './ws-result';

/** $default: any message without a known `action`. Ignored (no route response, nothing stored). */
export function createHandler() {
  return async (): Promise<APIGatewayProxyStructuredResultV2> => wsResult(200);
}

export const handler = createHandler();
