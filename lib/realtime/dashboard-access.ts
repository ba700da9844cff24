import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { DataTables } from '../constructs/data-tables';

/**
 * What a stream consumer that pushes operators' dashboards needs
 * (lambdas/core/reports/dashboard-push.ts): the watcher item, the figures' reads (the event, the
 * live seat map, the orders listed on the buyers' items (a Query of
 * the event's `buyers` partition) and by key, the operator queue view, which may
 * advance the waiting room as that view does) and the `@connections` API.
 */
export function grantDashboardPush(fn: lambda.Function, tables: DataTables, webSocketStage: WebSocketStage): void {
  tables.table('events').grant(fn, 'dynamodb:GetItem');
  tables.table('orders').grant(fn, 'dynamodb:BatchGetItem');
  tables.table('buyers').grant(fn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  tables.table('waitingRooms').grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  // The seat items, only to build a live map an event does not have yet.
  tables.table('seats').grant(fn, 'dynamodb:Query');
  webSocketStage.grantManagementApiAccess(fn);
}
