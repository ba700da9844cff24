import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { wsResult } from './ws-result';

/** $default: any message without a known `action`. Ignored (no route response, nothing stored). */
export async function handler(): Promise<APIGatewayProxyStructuredResultV2> {
  return wsResult(200);
}
