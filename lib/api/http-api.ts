import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { DataTables } from '../data/data-tables';
import type { Stage } from '../stage';
import { EventsRoutes } from './events-routes';

export interface TicketDropApiProps {
  readonly stage: Stage;
  readonly tables: DataTables;
}

/**
 * The public HTTP API. All routes live under `/api/` so that CloudFront can later send `/api/*`
 * here and everything else to the static frontend, on one origin.
 */
export class TicketDropApi extends Construct {
  readonly httpApi: HttpApi;
  readonly events: EventsRoutes;

  constructor(scope: Construct, id: string, props: TicketDropApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: `TicketDrop API (${props.stage.name})`,
    });
    this.events = new EventsRoutes(this, 'Events', {
      api: this.httpApi,
      stage: props.stage,
      tables: props.tables,
    });
  }

  /** Base URL without a trailing slash; routes are `${url}/api/...`. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
