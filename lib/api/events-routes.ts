import { HttpMethod, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import type { DataTables } from '../data/data-tables';
import type { Stage } from '../stage';
import { NodeHandler } from './node-handler';
import { API_HANDLERS, ROUTES } from './routes';

export interface EventsRoutesProps {
  readonly api: HttpApi;
  readonly stage: Stage;
  readonly tables: DataTables;
}

/** Read-only event routes (list, one event with its seat-map snapshot): one handler for both. */
export class EventsRoutes extends Construct {
  readonly handler: NodeHandler;

  constructor(scope: Construct, id: string, props: EventsRoutesProps) {
    super(scope, id);
    this.handler = new NodeHandler(this, 'Handler', {
      stage: props.stage,
      entry: API_HANDLERS.events.entry,
      description: API_HANDLERS.events.description,
      environment: props.tables.tableEnvironment(),
    });
    // Reads only, and only what it serves: orders stay out of reach.
    props.tables.table('events').grantReadData(this.handler.function);
    props.tables.table('seats').grantReadData(this.handler.function);

    const integration = new HttpLambdaIntegration('Integration', this.handler.function);
    for (const route of ROUTES.filter((r) => r.handler === 'events')) {
      props.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
    }
  }
}
