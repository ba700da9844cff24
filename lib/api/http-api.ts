import { Duration } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpRoute, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ROUTES, routeKey } from '../../contract/http-routes';
import { requestLimitEnvironment } from '../../contract/request-limits';
import { ApiSecrets } from '../constructs/api-secrets';
import type { DataTables } from '../constructs/data-tables';
import { executionsOf } from '../orders/reconciler-schedule';
import type { Stage } from '../stage';
import { RouteGroup } from './route-group';

export interface TicketDropApiProps {
  readonly stage: Stage;
  readonly tables: DataTables;
  /** The order flow the orders handler starts (StartExecution) and resumes (SendTaskSuccess). */
  readonly orderStateMachine: IStateMachine;
  /** The order flow's ticket key: the door verifies tickets, the tickets link is signed with it. */
  readonly ticketSigningKey: secretsmanager.ISecret;
}

/**
 * Stage-wide request limits (per second, and burst). They protect the account's Lambda
 * concurrency and the tables from a runaway client; a drop of a few thousand buyers stays far below.
 */
export const API_THROTTLE = { rateLimit: 1000, burstLimit: 2000 } as const;

/**
 * The public HTTP API. All routes live under `/api/` so that CloudFront can later send `/api/*`
 * here and everything else to the static frontend, on one origin. One Lambda per handler group
 * of `contract/http-routes.ts`, each granted only the tables (and access) its routes need.
 */
export class TicketDropApi extends Construct {
  readonly httpApi: HttpApi;
  readonly secrets: ApiSecrets;
  readonly events: RouteGroup;
  readonly sessions: RouteGroup;
  readonly orders: RouteGroup;
  readonly admin: RouteGroup;
  readonly tickets: RouteGroup;
  readonly queue: RouteGroup;
  readonly fallback: RouteGroup;

  constructor(scope: Construct, id: string, props: TicketDropApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: `TicketDrop API (${props.stage.name})`,
      createDefaultStage: false,
    });
    // Access logs (API Gateway's default format: request id, IP, route, status, latency).
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });
    const stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    this.secrets = new ApiSecrets(this, 'Secrets', { stage: props.stage });
    const common = { api: this.httpApi, stage: props.stage, tables: props.tables };

    // Reads only, and only what it serves: orders stay out of reach.
    this.events = new RouteGroup(this, 'Events', {
      ...common,
      handler: 'events',
      tableAccess: { events: 'read', seats: 'read' },
    });
    // The live seat map's item (buyers table): read per request; written only when an event has none yet.
    // And the availability summary's row items (same table): the listing's seats left.
    props.tables
      .table('buyers')
      .grant(this.events.handler.function, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query');

    // The abuse limits per client address (the handlers count them in the limits table).
    const requestLimits = requestLimitEnvironment(props.stage.requestLimits);

    // Signs tokens; counts new sessions per client address (limits), no other table.
    this.sessions = new RouteGroup(this, 'Sessions', {
      ...common,
      handler: 'sessions',
      tableAccess: { limits: 'count' },
      environment: requestLimits,
    });

    this.orders = new RouteGroup(this, 'Orders', {
      ...common,
      handler: 'orders',
      // waitingRooms: the waiting room's slot is bound to the order it admits.
      // tickets: read, for the order view and a ticket's QR code.
      tableAccess: {
        events: 'read',
        seats: 'write',
        orders: 'write',
        tickets: 'read',
        buyers: 'write',
        waitingRooms: 'write',
      },
      environment: { ORDER_STATE_MACHINE_ARN: props.orderStateMachine.stateMachineArn },
      // A create may wait (≤ 8 s) for the same buyer's concurrent create, then hold seats itself.
      timeout: Duration.seconds(20),
    });
    props.orderStateMachine.grantStartExecution(this.orders.handler.function);
    this.orders.handler.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess'],
        // Task tokens are not resources: SendTaskSuccess supports no resource-level permission.
        resources: ['*'],
      }),
    );

    this.admin = new RouteGroup(this, 'Admin', {
      ...common,
      handler: 'admin',
      // limits: sign-ins (admin key for an operator session) are counted per client address.
      // orders, tickets, payments: a refund ends the order, voids its tickets and refunds its charges.
      tableAccess: {
        events: 'write',
        seats: 'write',
        orders: 'write',
        tickets: 'write',
        payments: 'write',
        limits: 'count',
        // The dashboard: the live seat map item (built once if missing) and the operator queue view;
        // the reports: the buyers' lists of an event's orders (`orderIds`).
        buyers: 'write',
        waitingRooms: 'write',
      },
      // The order state machine: an order's story reads its execution and history.
      environment: { ...requestLimits, ORDER_STATE_MACHINE_ARN: props.orderStateMachine.stateMachineArn },
      timeout: Duration.seconds(30), // creating a large event writes one item per seat
    });
    this.admin.handler.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        resources: [executionsOf(props.orderStateMachine)],
      }),
    );

    // The door writes one attribute of a ticket (its check-in); the tickets link reads an order's tickets.
    this.tickets = new RouteGroup(this, 'Tickets', {
      ...common,
      handler: 'tickets',
      tableAccess: { orders: 'read', tickets: 'write' },
    });
    ApiSecrets.provide(this.tickets.handler.function, 'TICKET_SIGNING_KEY', props.ticketSigningKey);

    // Joins and status reads move the queue along; orders are read to free the slots of ended ones.
    this.queue = new RouteGroup(this, 'Queue', {
      ...common,
      handler: 'queue',
      // limits: joins are counted per client address.
      tableAccess: { events: 'read', buyers: 'write', waitingRooms: 'write', orders: 'read', limits: 'count' },
      environment: requestLimits,
    });

    // The `$default` route: unknown paths, wrong methods, oversized bodies in the documented
    // error shape. It needs the route table only: no table, no secret.
    this.fallback = new RouteGroup(this, 'Fallback', { ...common, handler: 'fallback', tableAccess: {} });

    // Keys are read at run time from Secrets Manager, each only by the functions that use it.
    // Staff credentials (operator sessions, door credentials) are signed with the session key too.
    for (const group of [this.sessions, this.orders, this.queue, this.admin, this.tickets]) {
      ApiSecrets.provide(group.handler.function, 'SESSION_SIGNING_KEY', this.secrets.sessionSigningKey);
    }
    for (const group of [this.admin, this.queue, this.tickets])
      ApiSecrets.provide(group.handler.function, 'ADMIN_API_KEY', this.secrets.adminApiKey);
    // The limited routes count per client address: behind CloudFront, the viewer's (with this proof).
    for (const group of [this.sessions, this.queue, this.admin])
      ApiSecrets.provide(group.handler.function, 'EDGE_KEY', this.secrets.edgeKey);

    this.throttleRoutes(stage.node.defaultChild as CfnStage, props.stage.routeThrottles);
    // Route settings name routes by key: the stage is deployed after the routes exist.
    for (const route of this.httpApi.node.children.filter((c) => c instanceof HttpRoute)) {
      stage.node.addDependency(route);
    }
  }

  /**
   * Per-route throttles (API Gateway routeSettings) from the stage's settings. The L2 stage has
   * only the stage-wide default, so they are set on the CloudFormation stage. A key that names no
   * route of the table is a mistake in the settings and stops the synthesis.
   */
  private throttleRoutes(stage: CfnStage, throttles: Stage['routeThrottles']): void {
    const known = new Set(ROUTES.map(routeKey));
    for (const key of Object.keys(throttles)) {
      if (!known.has(key)) throw new Error(`Route throttle for ${key}: no such route in contract/http-routes.ts`);
    }
    stage.routeSettings = Object.fromEntries(
      Object.entries(throttles).map(([key, { rateLimit, burstLimit }]) => [
        key,
        // A JSON map in CloudFormation: its keys are written as CloudFormation spells them.
        { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit },
      ]),
    );
  }

  /** Base URL without a trailing slash; routes are `${url}/api/...`. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
