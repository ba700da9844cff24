import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { forgetViewer } from '../core/live/viewer-subscription';
import { forgetDashboardWatcher } from '../core/reports/dashboard-subscription';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { wsResult } from './ws-result';

/**
 * $disconnect: forgets the connection and takes it out of its seat-map shard (or its dashboard's
 * watchers). Best effort on AWS;
 * the TTL catches connection items that never get one, and a shard member that is gone is removed
 * at its first 410.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'config'>) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const forgotten = await forgetViewer(
      { store: platform.store, liveMap: platform.config.liveMap },
      event.requestContext.connectionId,
    );
    await forgetDashboardWatcher(platform.store, forgotten);
    return wsResult(200);
  };
}

export const handler = fromEnvironment(createHandler);
