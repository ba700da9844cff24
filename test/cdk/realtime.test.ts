import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROADCASTER, ROUTE_SELECTION_EXPRESSION, WS_HANDLERS, WS_ROUTES } from '../../contract/ws-routes';
import type { TicketDropStack } from '../../lib/ticketdrop-stack';
import { logicalIdOf, type PolicyStatement, roleStatementsOf, synthStage } from '../support/cdk-synth';

/** The live-updates part of the stack: WebSocket API = route table, least privilege, stream wiring. */

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = PolicyStatement;

let stack: TicketDropStack;
let template: Template;
let dispose = () => {};

beforeAll(() => {
  ({ stack, template, dispose } = synthStage('dev'));
});

afterAll(() => dispose());

function resources(type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** Every IAM statement attached to the role of a function. */
const statementsOf = (fn: IConstruct): Statement[] => roleStatementsOf(template, fn);

const actionsOf = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
const tableId = (id: 'seats' | 'orders' | 'waitingRooms' | 'connections' | 'buyers') =>
  logicalIdOf(stack.data.table(id));

describe('WebSocket API', () => {
  it('is one WebSocket API routed by the message’s action, with exactly the routes of ws-routes.ts', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 2); // the HTTP API and this one
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    });
    const apiId = logicalIdOf(stack.live.api);
    const routeKeys = Object.values(resources('AWS::ApiGatewayV2::Route'))
      .filter((route) => (route.Properties.ApiId as { Ref?: string }).Ref === apiId)
      .map((route) => route.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(WS_ROUTES.map((r) => r.routeKey).sort());
  });

  it('answers subscribe with a route response, and only subscribe', () => {
    const withResponse = WS_ROUTES.filter((r) => r.returnResponse).map((r) => r.routeKey);
    expect(withResponse).toEqual(['subscribe']);
    template.resourceCountIs('AWS::ApiGatewayV2::RouteResponse', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::RouteResponse', { RouteResponseKey: '$default' });
  });

  it('deploys a stage named after the stage, automatically, and outputs its URL', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: logicalIdOf(stack.live.api) },
      StageName: 'dev',
      AutoDeploy: true,
    });
    template.hasOutput('WebSocketUrl', { Value: Match.anyValue() });
  });

  it('runs each route on its own handler module', () => {
    for (const [id, handler] of Object.entries(stack.live.handlers)) {
      const fn = resources('AWS::Lambda::Function')[logicalIdOf(handler.function)]!;
      expect((fn as unknown as { Metadata: Record<string, string> }).Metadata['ticketdrop:entry']).toBe(
        WS_HANDLERS[id as keyof typeof WS_HANDLERS].entry,
      );
    }
  });
});

describe('least privilege', () => {
  it('lets each route handler do only its own writes on the connections table (subscribe also reads a buyer’s open order; both keep a dashboard’s watchers)', () => {
    const expected = {
      // An operator's connection, and a buyer's socket into its buyer's set.
      connect: { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], tables: ['connections'] },
      // The connection (read first: most sockets have none), its seat-map shard's member set, and a
      // dashboard's watchers (buyers).
      disconnect: {
        actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
        tables: ['connections', 'buyers'],
      },
      // The connection and its shard; a buyer's open order; a dashboard's event and watchers.
      subscribe: {
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        tables: ['connections', 'buyers', 'events'],
      },
      default: { actions: [], tables: [] },
    } as const;
    for (const [id, { actions, tables }] of Object.entries(expected)) {
      const handler = stack.live.handlers[id as keyof typeof expected];
      // Besides: writing its own log group, and ($connect) reading the session key (see 'secrets').
      const statements = statementsOf(handler.function).filter(
        (s) => !actionsOf([s]).some((a) => /^(logs|secretsmanager):/.test(a)),
      );
      // As a set: the CDK may merge grants on one table into one statement.
      expect([...new Set(actionsOf(statements))].sort(), id).toEqual([...actions].sort());
      const allowed = tables.map((table) => logicalIdOf(stack.data.table(table)));
      for (const statement of statements)
        expect(
          allowed.some((table) => JSON.stringify(statement.Resource).includes(table)),
          `${id}: ${JSON.stringify(statement.Resource)}`,
        ).toBe(true);
      const logStatements = statementsOf(handler.function).filter((s) =>
        actionsOf([s]).some((a) => a.startsWith('logs:')),
      );
      expect(JSON.stringify(logStatements.map((s) => s.Resource))).toBe(
        JSON.stringify([{ 'Fn::GetAtt': [logicalIdOf(handler.logGroup), 'Arn'] }]),
      );
    }
  });

  it('gives only $connect and subscribe (a buyer’s subscribe carries its token) the session signing key', () => {
    for (const [id, handler] of Object.entries(stack.live.handlers)) {
      const fn = resources('AWS::Lambda::Function')[logicalIdOf(handler.function)]!;
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      // Only the secret's ARN: the key itself is read at run time (lambdas/core/platform/secrets.ts).
      expect('SESSION_SIGNING_KEY' in variables, id).toBe(false);
      const signs = id === 'connect' || id === 'subscribe';
      expect('SESSION_SIGNING_KEY_SECRET_ARN' in variables, id).toBe(signs);
      const reads = statementsOf(handler.function).filter((s) =>
        actionsOf([s]).includes('secretsmanager:GetSecretValue'),
      );
      expect(
        reads.map((s) => s.Resource),
        id,
      ).toEqual(signs ? [{ Ref: logicalIdOf(stack.api.secrets.sessionSigningKey) }] : []);
    }
  });

  it('lets the broadcaster read the streams, read and forget connections, and post only to this stage', () => {
    const statements = statementsOf(stack.broadcaster.handler.function);
    const connections = statements.filter((s) => JSON.stringify(s.Resource).includes(tableId('connections')));
    // UpdateItem: a gone socket leaves its buyer's set — the broadcaster's only write besides forgetting it.
    // No Query: an event's viewers are read by key from its seat-map shard items (no index).
    expect(actionsOf(connections).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:UpdateItem',
    ]);
    const manage = statements.find((s) => actionsOf([s]).includes('execute-api:ManageConnections'))!;
    expect(JSON.stringify(manage.Resource)).toMatch(/\/dev\/\*\/@connections\/\*/);
    expect(JSON.stringify(manage.Resource)).toContain(logicalIdOf(stack.live.api));
    const streamReads = statements.filter((s) => actionsOf([s]).includes('dynamodb:GetRecords'));
    expect(JSON.stringify(streamReads)).not.toContain(tableId('seats'));
    expect(JSON.stringify(streamReads)).toContain(tableId('orders'));
    // Writes only what an operators' dashboard push needs (lib/realtime/dashboard-access.ts): its
    // watcher item and the live map in buyers, the waiting room the operator queue view advances;
    // besides those, only UpdateItem (a gone socket leaves its buyer's set), never orders/tickets/seats.
    const pushWrites = (s: (typeof statements)[number]) =>
      [tableId('buyers'), tableId('waitingRooms')].some((id) => JSON.stringify(s.Resource).includes(id));
    const writes = statements.filter(
      (s) => !pushWrites(s) && actionsOf([s]).some((a) => /PutItem|UpdateItem|BatchWrite|TransactWrite/.test(a)),
    );
    expect(actionsOf(writes).filter((a) => /PutItem|UpdateItem|BatchWrite|TransactWrite/.test(a))).toEqual([
      'dynamodb:UpdateItem',
    ]);
    expect(JSON.stringify(writes.map((s) => s.Resource))).not.toMatch(/orders|tickets|seats/i);
  });
});

describe('broadcaster', () => {
  it('is the broadcaster module, with the stage’s management endpoint', () => {
    const fn = resources('AWS::Lambda::Function')[logicalIdOf(stack.broadcaster.handler.function)]!;
    expect((fn as unknown as { Metadata: Record<string, string> }).Metadata['ticketdrop:entry']).toBe(
      BROADCASTER.entry,
    );
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(variables.WEBSOCKET_MANAGEMENT_ENDPOINT)).toContain(logicalIdOf(stack.live.api));
    expect(variables.CONNECTIONS_TABLE).toEqual({ Ref: tableId('connections') });
  });

  it('consumes the orders and queues streams for low latency, retries little, and keeps what it gives up on', () => {
    const mappings = Object.values(resources('AWS::Lambda::EventSourceMapping'));
    const broadcasterId = logicalIdOf(stack.broadcaster.handler.function);
    const ours = mappings.filter((m) => (m.Properties.FunctionName as { Ref: string }).Ref === broadcasterId);
    expect(ours).toHaveLength(2);
    const sources = ours.map((m) => (m.Properties.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt']);
    expect(sources.sort()).toEqual(
      [
        [tableId('orders'), 'StreamArn'],
        [tableId('waitingRooms'), 'StreamArn'],
      ].sort(),
    );
    const dlq = logicalIdOf(stack.broadcaster.deadLetterQueue);
    for (const mapping of ours) {
      expect(mapping.Properties).toMatchObject({
        StartingPosition: 'LATEST',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 0,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 2,
        MaximumRecordAgeInSeconds: 60,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
      });
    }
  });
});

describe('waiting-room order endings', () => {
  it('consumes the orders stream, filtered to final statuses, with a dead-letter queue', () => {
    const functionId = logicalIdOf(stack.orderEndings.handler.function);
    const mappings = Object.values(resources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => (m.Properties.FunctionName as { Ref: string }).Ref === functionId,
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [tableId('orders'), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BisectBatchOnFunctionError: true,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(stack.orderEndings.deadLetterQueue), 'Arn'] } },
      },
    });
    const pattern = JSON.parse(
      (mappings[0]!.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]!.Pattern,
    );
    expect(pattern).toEqual({
      dynamodb: { NewImage: { status: { S: ['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED'] } } },
    });
  });
});

describe('availability summary consumer', () => {
  it('consumes the seats stream, filtered to records that were or become AVAILABLE, with a dead-letter queue', () => {
    const functionId = logicalIdOf(stack.seatAvailability.handler.function);
    const mappings = Object.values(resources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => (m.Properties.FunctionName as { Ref: string }).Ref === functionId,
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [tableId('seats'), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(stack.seatAvailability.deadLetterQueue), 'Arn'] } },
      },
    });
    const patterns = (mappings[0]!.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((f) =>
      JSON.parse(f.Pattern),
    );
    expect(patterns).toEqual([
      { dynamodb: { NewImage: { status: { S: ['AVAILABLE'] } } } },
      { dynamodb: { OldImage: { status: { S: ['AVAILABLE'] } } } },
    ]);
  });
});
