import type { Duration } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { API_HANDLERS, type ApiHandlerId, DEFAULT_ROUTE, ROUTES } from '../../contract/http-routes';
import type { TableId } from '../../contract/tables';
import type { DataTables } from '../constructs/data-tables';
import { NodeHandler } from '../constructs/node-handler';
import type { Stage } from '../stage';

/**
 * How a handler group may touch a table: read only, read and write, or `count` — UpdateItem only
 * (the abuse limits' counters: one conditional ADD per request, never a read).
 */
export type TableAccess = 'read' | 'write' | 'count';

export interface RouteGroupProps {
  readonly api: HttpApi;
  readonly stage: Stage;
  readonly tables: DataTables;
  /**
   * The entry of `API_HANDLERS` this group deploys; it serves that handler's routes of `ROUTES`,
   * and the `$default` route if it is DEFAULT_ROUTE's handler.
   */
  readonly handler: ApiHandlerId;
  /** The tables this group touches (least privilege: nothing else is granted). */
  readonly tableAccess: Partial<Record<TableId, TableAccess>>;
  /** Variables beyond the table names (which every handler gets, as the store reads them all). */
  readonly environment?: Record<string, string>;
  readonly timeout?: Duration;
}

/** One Lambda serving one group of routes of the shared route table, with its table grants. */
export class RouteGroup extends Construct {
  readonly handler: NodeHandler;

  constructor(scope: Construct, id: string, props: RouteGroupProps) {
    super(scope, id);
    const { entry, description } = API_HANDLERS[props.handler];
    this.handler = new NodeHandler(this, 'Handler', {
      stage: props.stage,
      entry,
      description,
      timeout: props.timeout,
      environment: { ...props.tables.tableEnvironment(), ...props.environment },
    });
    for (const [tableId, access] of Object.entries(props.tableAccess) as [TableId, TableAccess][]) {
      const table = props.tables.table(tableId);
      if (access === 'write') table.grantReadWriteData(this.handler.function);
      else if (access === 'count') table.grant(this.handler.function, 'dynamodb:UpdateItem');
      else table.grantReadData(this.handler.function);
    }

    const integration = new HttpLambdaIntegration('Integration', this.handler.function);
    for (const route of ROUTES.filter((r) => r.handler === props.handler)) {
      props.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
    }
    if (DEFAULT_ROUTE.handler === props.handler) {
      // Under the API, as addRoutes places the others (and where the API's cdk-nag reasoning applies).
      new HttpRoute(props.api, 'DefaultRoute', { httpApi: props.api, routeKey: HttpRouteKey.DEFAULT, integration });
    }
  }
}
