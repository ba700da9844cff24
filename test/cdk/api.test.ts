import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_HANDLERS, type ApiHandlerId, DEFAULT_ROUTE, ROUTES, routeKey } from '../../contract/http-routes';
import type { TableId } from '../../contract/tables';
import type { RouteGroup } from '../../lib/api/route-group';
import type { TicketDropStack } from '../../lib/ticketdrop-stack';
import { logicalIdOf, type PolicyStatement, roleStatementsOf, synthStage } from '../support/cdk-synth';

/** The HTTP API in the template: every route of the shared table, one Lambda per group, least privilege. */

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = PolicyStatement;

let stack: TicketDropStack;
let template: Template;
let dispose = () => {};

beforeAll(() => {
  ({ stack, template, dispose } = synthStage('dev'));
});

afterAll(() => dispose());

const groups = (): Record<ApiHandlerId, RouteGroup> => ({
  events: stack.api.events,
  sessions: stack.api.sessions,
  orders: stack.api.orders,
  admin: stack.api.admin,
  tickets: stack.api.tickets,
  queue: stack.api.queue,
  fallback: stack.api.fallback,
});

/** Every statement of the policies attached to a group's role. */
const statementsOf = (group: RouteGroup): Statement[] => roleStatementsOf(template, group.handler.function);

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());
const tableId = (id: TableId) => logicalIdOf(stack.data.table(id));
const WRITES = /^dynamodb:(Put|Update|Delete|BatchWrite)/;

/** The DynamoDB actions a group may use on one table. */
function tableActions(group: RouteGroup, id: TableId): string[] {
  return actionsOf(statementsOf(group).filter((s) => JSON.stringify(s.Resource).includes(`"${tableId(id)}"`))).filter(
    (a) => a.startsWith('dynamodb:'),
  );
}

describe('routes', () => {
  it('every route of ROUTES exists, plus the $default catch-all, and no other', () => {
    for (const route of ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey(route),
        Target: Match.anyValue(),
      });
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', Target: Match.anyValue() });
    const httpApi = { Ref: logicalIdOf(stack.api.httpApi) };
    expect(
      Object.keys(template.findResources('AWS::ApiGatewayV2::Route', { Properties: { ApiId: httpApi } })),
    ).toHaveLength(ROUTES.length + 1);
  });

  it('each route, $default included, goes to the Lambda of its handler group', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>);
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Record<string, Resource>;
    for (const route of [
      ...ROUTES.map((r) => ({ key: routeKey(r), handler: r.handler })),
      { key: DEFAULT_ROUTE.routeKey, handler: DEFAULT_ROUTE.handler },
    ]) {
      const resource = routes.find((r) => r.Properties?.RouteKey === route.key);
      const integrationId = JSON.stringify(resource?.Properties?.Target).match(/"Ref":"([^"]+)"/)?.[1];
      const uri = integrations[integrationId ?? '']?.Properties?.IntegrationUri;
      expect(uri, route.key).toEqual({ 'Fn::GetAtt': [logicalIdOf(groups()[route.handler].handler.function), 'Arn'] });
    }
  });

  it('one Lambda per handler group, running that group’s module', () => {
    expect(Object.keys(groups()).sort()).toEqual(Object.keys(API_HANDLERS).sort());
    for (const [id, group] of Object.entries(groups()) as [ApiHandlerId, RouteGroup][]) {
      expect(group.handler.function.node.defaultChild).toBeDefined();
      template.hasResource('AWS::Lambda::Function', {
        Metadata: { 'ticketdrop:entry': API_HANDLERS[id].entry },
      });
    }
  });

  it('throttles the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });
});

describe('least privilege per handler group', () => {
  it('no wildcard actions anywhere in the API’s policies', () => {
    for (const group of Object.values(groups())) {
      for (const action of actionsOf(statementsOf(group))) {
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/:\*$/);
      }
    }
  });

  it('sessions: no table but its abuse counters (UpdateItem on limits only)', () => {
    expect(actionsOf(statementsOf(stack.api.sessions)).filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:UpdateItem',
    ]);
    expect(tableActions(stack.api.sessions, 'limits')).toEqual(['dynamodb:UpdateItem']);
  });

  it('fallback ($default): writes its own logs, nothing else (no table, no secret, no state machine)', () => {
    const actions = actionsOf(statementsOf(stack.api.fallback));
    expect(actions.length).toBeGreaterThan(0);
    expect(
      actions.every((a) => a.startsWith('logs:')),
      actions.join(', '),
    ).toBe(true);
  });

  it('orders: reads events, writes seats, orders and buyers; nothing on payments or connections', () => {
    const orders = stack.api.orders;
    expect(tableActions(orders, 'events')).toContain('dynamodb:GetItem');
    expect(tableActions(orders, 'events').filter((a) => WRITES.test(a))).toEqual([]);
    for (const id of ['seats', 'orders', 'buyers'] as const)
      expect(tableActions(orders, id)).toContain('dynamodb:UpdateItem');
    expect(tableActions(orders, 'payments')).toEqual([]);
    expect(tableActions(orders, 'connections')).toEqual([]);
  });

  it('orders: starts executions of the order state machine only; SendTaskSuccess (no resource-level permission)', () => {
    const statements = statementsOf(stack.api.orders);
    const start = statements.find((s) => actionsOf([s]).includes('states:StartExecution'));
    expect(start?.Resource).toEqual({ Ref: logicalIdOf(stack.orderFlow.stateMachine) });
    const resume = statements.find((s) => actionsOf([s]).includes('states:SendTaskSuccess'));
    expect(actionsOf([resume!])).toEqual(['states:SendTaskSuccess']);
    expect(
      actionsOf(statements)
        .filter((a) => a.startsWith('states:'))
        .sort(),
    ).toEqual(['states:SendTaskSuccess', 'states:StartExecution']);
  });

  it('admin: writes events and seats (create); orders, tickets and payments (a refund); buyers and rooms (the dashboard)', () => {
    const admin = stack.api.admin;
    expect(tableActions(admin, 'events')).toContain('dynamodb:PutItem');
    expect(tableActions(admin, 'seats')).toContain('dynamodb:BatchWriteItem');
    expect(tableActions(admin, 'orders')).toContain('dynamodb:Query');
    // A refund: the order leaves CONFIRMED, its tickets are voided, its charges refunded.
    expect(tableActions(admin, 'orders')).toContain('dynamodb:UpdateItem');
    expect(tableActions(admin, 'tickets')).toContain('dynamodb:UpdateItem');
    expect(tableActions(admin, 'payments')).toContain('dynamodb:UpdateItem');
    // The dashboard: the live seat map item (built once if missing), the operator queue view.
    expect(tableActions(admin, 'buyers')).toContain('dynamodb:GetItem');
    expect(tableActions(admin, 'waitingRooms')).toContain('dynamodb:GetItem');
  });

  it('tickets (door, tickets link): writes tickets (the check-in), reads orders; nothing on seats, buyers or payments', () => {
    const tickets = stack.api.tickets;
    expect(tableActions(tickets, 'tickets')).toContain('dynamodb:UpdateItem');
    expect(tableActions(tickets, 'orders')).toContain('dynamodb:GetItem');
    expect(tableActions(tickets, 'orders').filter((a) => WRITES.test(a))).toEqual([]);
    for (const table of ['seats', 'buyers', 'payments', 'events'] as const)
      expect(tableActions(tickets, table), table).toEqual([]);
  });

  it('queue: writes buyers and queues, reads events and orders; nothing on seats or payments', () => {
    const queue = stack.api.queue;
    for (const id of ['buyers', 'waitingRooms'] as const)
      expect(tableActions(queue, id)).toContain('dynamodb:UpdateItem');
    for (const id of ['events', 'orders'] as const)
      expect(tableActions(queue, id).filter((a) => WRITES.test(a))).toEqual([]);
    expect(tableActions(queue, 'seats')).toEqual([]);
    expect(tableActions(queue, 'payments')).toEqual([]);
  });

  it('events: reads events and seats; the seat map item in buyers is its only write; queries the availability rows', () => {
    const events = stack.api.events;
    expect(actionsOf(statementsOf(events)).filter((a) => WRITES.test(a))).toEqual(['dynamodb:PutItem']);
    expect(tableActions(events, 'buyers')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    expect(tableActions(events, 'orders')).toEqual([]);
  });
});

describe('secrets', () => {
  const env = (group: RouteGroup) =>
    (template.findResources('AWS::Lambda::Function')[logicalIdOf(group.handler.function)] as Resource).Properties
      ?.Environment as {
      Variables: Record<string, unknown>;
    };

  it('the session key reaches sessions, orders, queue and the staff routes (admin, tickets: staff credentials are signed with it); the admin key only admin, queue and tickets; the edge key only the limited routes — as ARNs, read at run time', () => {
    const sessionKey = { Ref: logicalIdOf(stack.api.secrets.sessionSigningKey) };
    const adminKey = { Ref: logicalIdOf(stack.api.secrets.adminApiKey) };
    const edgeKey = { Ref: logicalIdOf(stack.api.secrets.edgeKey) };
    const expected: Record<ApiHandlerId, object[]> = {
      events: [],
      sessions: [sessionKey, edgeKey],
      orders: [sessionKey],
      admin: [sessionKey, adminKey, edgeKey],
      tickets: [sessionKey, adminKey],
      queue: [sessionKey, adminKey, edgeKey],
      fallback: [],
    };
    for (const [id, group] of Object.entries(groups()) as [ApiHandlerId, RouteGroup][]) {
      const variables = env(group).Variables;
      // Never the value itself in the function's configuration.
      expect(variables.SESSION_SIGNING_KEY, id).toBeUndefined();
      expect(variables.ADMIN_API_KEY, id).toBeUndefined();
      expect(variables.EDGE_KEY, id).toBeUndefined();
      const given = [
        variables.SESSION_SIGNING_KEY_SECRET_ARN,
        variables.ADMIN_API_KEY_SECRET_ARN,
        variables.EDGE_KEY_SECRET_ARN,
      ].filter((v) => v !== undefined);
      expect(given, id).toEqual(expected[id]);
      // GetSecretValue (nothing else) on exactly those secrets.
      const reads = statementsOf(group).filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
      expect(
        actionsOf(reads).every((a) => a === 'secretsmanager:GetSecretValue'),
        id,
      ).toBe(true);
      const byRef = (a: object, b: object) => JSON.stringify(a).localeCompare(JSON.stringify(b));
      // The door verifies tickets and the tickets link is signed with the ticket key: the tickets group alone reads it.
      const ticketKey = { Ref: logicalIdOf(stack.orderFlow.ticketSigningKey) };
      const ticketReads = id === 'tickets' ? [ticketKey] : [];
      expect(variables.TICKET_SIGNING_KEY_SECRET_ARN, id).toEqual(id === 'tickets' ? ticketKey : undefined);
      expect(reads.flatMap((s) => [s.Resource].flat() as object[]).sort(byRef), id).toEqual(
        [...expected[id], ...ticketReads].sort(byRef),
      );
    }
    expect(env(stack.api.orders).Variables.ORDER_STATE_MACHINE_ARN).toEqual({
      Ref: logicalIdOf(stack.orderFlow.stateMachine),
    });
  });

  it('both are generated Secrets Manager secrets; the admin key’s secret is an output', () => {
    for (const secret of [stack.api.secrets.sessionSigningKey, stack.api.secrets.adminApiKey]) {
      const resource = template.findResources('AWS::SecretsManager::Secret')[logicalIdOf(secret)] as Resource;
      expect(resource.Properties?.GenerateSecretString).toMatchObject({ PasswordLength: 48 });
    }
    template.hasOutput('AdminApiKeySecretArn', { Value: { Ref: logicalIdOf(stack.api.secrets.adminApiKey) } });
  });
});
