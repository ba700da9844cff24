import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getEvent } from '../events/event-records';
import { getConnection } from '../live/connections';
import { writeIf } from '../platform/conditional-write';
import type { Store } from '../platform/store';
import { unwatchDashboard, watchDashboard } from './dashboard-push';

/**
 * An operator's socket starting or stopping to watch an event's dashboard. Only a socket that
 * connected with an operator session may (its connection item carries the operator id, written at
 * $connect): a buyer's or anonymous socket is `forbidden`. A socket watches one dashboard; it does
 * not join the event's seat-map shards (operators see figures, not seats).
 */

export type DashboardSubscribeOutcome = 'subscribed' | 'forbidden' | 'gone';

export async function subscribeDashboard(
  store: Store,
  connectionId: string,
  eventId: string,
): Promise<DashboardSubscribeOutcome> {
  const connection = await getConnection(store, connectionId);
  // No item: a buyer's or anonymous socket that never watched the map ($connect records only an
  // operator's) — or an operator's socket already gone, which will not read the answer.
  if (connection?.operatorId === undefined) return 'forbidden';
  await getEvent(store, eventId); // EventNotFound: no watcher item for an id no event has
  if (connection.dashboardEventId !== undefined && connection.dashboardEventId !== eventId)
    await unwatchDashboard(store, connection.dashboardEventId, connectionId);
  const recorded = await writeIf(
    store,
    new UpdateCommand({
      TableName: store.tables.connections,
      Key: { connectionId },
      UpdateExpression: 'SET dashboardEventId = :eventId',
      ConditionExpression: 'attribute_exists(connectionId)',
      ExpressionAttributeValues: { ':eventId': eventId },
    }),
  );
  if (!recorded) return 'gone';
  await watchDashboard(store, eventId, connectionId);
  return 'subscribed';
}

/** $disconnect of a socket that watched a dashboard: it stops watching (a missed one goes at its first 410). */
export async function forgetDashboardWatcher(
  store: Store,
  connection: { connectionId: string; dashboardEventId?: string } | undefined,
): Promise<void> {
  if (connection?.dashboardEventId === undefined) return;
  await unwatchDashboard(store, connection.dashboardEventId, connection.connectionId);
}
