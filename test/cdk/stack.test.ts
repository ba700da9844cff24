import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../contract/http-routes';
import { type KeyAttribute, TABLE_ENV, TABLE_SPECS, type TableId } from '../../contract/tables';
import { constructIdFor } from '../../lib/constructs/data-tables';
import { NodeHandler, PROJECT_ROOT } from '../../lib/constructs/node-handler';
import { stackNameFor, stageFor } from '../../lib/stage';
import { TicketDropStack } from '../../lib/ticketdrop-stack';

/**
 * Same context (feature flags) as `cdk synth`, minus asset bundling, which these tests don't
 * need. An explicit outdir: without one, every App leaves a cdk.outXXXX folder in the temp dir.
 */
function synth(stageName: string, outdir: string): { stack: TicketDropStack; template: Template } {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: object };
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stage = stageFor(stageName);
  const stack = new TicketDropStack(app, stackNameFor(stage), { stage });
  return { stack, template: Template.fromStack(stack) };
}

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The logical id of an L2 construct's CloudFormation resource. */
function logicalIdOf(construct: IConstruct | undefined): string {
  const resource = construct?.node.defaultChild;
  if (!(resource instanceof CfnElement)) throw new Error(`No CloudFormation resource under ${construct?.node.path}`);
  return Stack.of(resource).getLogicalId(resource);
}

function tableLogicalId(stack: TicketDropStack, id: TableId): string {
  return logicalIdOf(stack.data.table(id));
}

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): object[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : []),
  ];
}

let dev: { stack: TicketDropStack; template: Template };
let prod: { stack: TicketDropStack; template: Template };

let outdir = '';

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'ticketdrop-cdk-test-'));
  dev = synth('dev', join(outdir, 'dev'));
  prod = synth('prod', join(outdir, 'prod'));
});

function logicalIdOfResource(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement;
  return Stack.of(resource).getLogicalId(resource);
}

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('tables match TABLE_SPECS (the drift check between local and AWS)', () => {
  it('creates exactly one table per spec', () => {
    dev.template.resourceCountIs('AWS::DynamoDB::Table', TABLE_SPECS.length);
    expect(TABLE_SPECS.map((s) => s.id).sort()).toEqual([
      'buyers',
      'connections',
      'events',
      'limits',
      'orders',
      'payments',
      'seats',
      'tickets',
      'waitingRooms',
    ]);
  });

  it('grants the tickets table to exactly the functions that issue, void, show, push or check in tickets', () => {
    const ticketsTable = logicalIdOfResource(dev.stack.data.table('tickets'));
    const functions = dev.template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Role?: { 'Fn::GetAtt': [string, string] } }; Metadata?: Record<string, string> }
    >;
    const policies = Object.values(dev.template.findResources('AWS::IAM::Policy')) as {
      Properties: { Roles: { Ref: string }[]; PolicyDocument: unknown };
    }[];
    const granted = Object.values(functions)
      .filter((fn) => {
        const role = fn.Properties.Role?.['Fn::GetAtt'][0];
        return policies.some(
          (p) =>
            p.Properties.Roles.some((r) => r.Ref === role) &&
            JSON.stringify(p.Properties.PolicyDocument).includes(ticketsTable),
        );
      })
      .map((fn) => fn.Metadata?.['ticketdrop:entry'])
      .sort();
    expect(granted).toEqual(
      [
        'lambdas/api/admin.ts', // the admin ticket list, ticket counts; a refund voids
        'lambdas/api/orders.ts', // the order view, the QR route
        'lambdas/api/tickets.ts', // the door's check-in, the tickets link
        'lambdas/realtime/broadcaster.ts', // live order pushes with their tickets
        'lambdas/reconciler/reconcile.ts', // issues (a paid order it finishes) and voids
        'lambdas/steps/charge-payment.ts', // the steps that may compensate void
        'lambdas/steps/compensate.ts',
        'lambdas/steps/end-order.ts',
        'lambdas/steps/execution-ended-handler.ts',
        'lambdas/steps/issue-tickets.ts',
        'lambdas/steps/record-payment-failure.ts',
      ].sort(),
    );
  });

  it.each(TABLE_SPECS.map((spec) => [spec.id, spec] as const))('%s: keys, indexes, stream, TTL', (id, spec) => {
    const table = resourcesOf(dev.template, 'AWS::DynamoDB::Table')[tableLogicalId(dev.stack, id)];
    const props = table?.Properties ?? {};
    const indexes = spec.globalSecondaryIndexes ?? [];

    expect(props.KeySchema).toEqual(keySchema(spec.partitionKey, spec.sortKey));
    const keyAttributes = [spec.partitionKey, spec.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
    const definitions = new Map(keyAttributes.flatMap((k) => (k ? [[k.name, k.type] as const] : [])));
    expect(props.AttributeDefinitions).toEqual(
      expect.arrayContaining([...definitions].map(([name, type]) => ({ AttributeName: name, AttributeType: type }))),
    );
    expect(props.AttributeDefinitions).toHaveLength(definitions.size);

    expect(props.GlobalSecondaryIndexes).toEqual(
      indexes.length === 0
        ? undefined
        : indexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: index.projection ?? 'ALL' },
          })),
    );
    expect(props.StreamSpecification).toEqual(spec.stream ? { StreamViewType: spec.stream } : undefined);
    expect(props.TimeToLiveSpecification).toEqual(
      spec.timeToLiveAttribute ? { AttributeName: spec.timeToLiveAttribute, Enabled: true } : undefined,
    );
  });

  it('streams seat, order and queue changes (for the broadcaster), nothing else', () => {
    const streamOf = (id: TableId) =>
      resourcesOf(dev.template, 'AWS::DynamoDB::Table')[tableLogicalId(dev.stack, id)]?.Properties?.StreamSpecification;
    expect(streamOf('seats')).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(streamOf('orders')).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(streamOf('waitingRooms')).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    for (const id of ['events', 'payments', 'buyers', 'connections'] as const) expect(streamOf(id)).toBeUndefined();
  });

  it('all tables: on-demand, point-in-time recovery, names left to CloudFormation', () => {
    for (const table of Object.values(resourcesOf(dev.template, 'AWS::DynamoDB::Table'))) {
      expect(table.Properties?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties?.TableName).toBeUndefined();
    }
  });

  it('outputs every table name', () => {
    for (const spec of TABLE_SPECS) {
      dev.template.hasOutput(`${constructIdFor(spec.id)}Name`, { Value: { Ref: tableLogicalId(dev.stack, spec.id) } });
    }
  });
});

describe('removal policy per stage', () => {
  it('prod retains tables and protects them from deletion', () => {
    for (const table of Object.values(resourcesOf(prod.template, 'AWS::DynamoDB::Table'))) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties?.DeletionProtectionEnabled).toBe(true);
    }
    for (const group of Object.values(resourcesOf(prod.template, 'AWS::Logs::LogGroup'))) {
      expect(group.DeletionPolicy).toBe('Retain');
    }
  });

  it('dev deletes tables with the stack', () => {
    for (const table of Object.values(resourcesOf(dev.template, 'AWS::DynamoDB::Table'))) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties?.DeletionProtectionEnabled).not.toBe(true);
    }
    for (const group of Object.values(resourcesOf(dev.template, 'AWS::Logs::LogGroup'))) {
      expect(group.DeletionPolicy).toBe('Delete');
    }
  });
});

describe('Lambda handlers', () => {
  /** The project's own functions (CDK's internal helper functions follow CDK's choices). */
  function handlers(): { fn: Resource; logGroupId: string }[] {
    const functions = resourcesOf(dev.template, 'AWS::Lambda::Function');
    return dev.stack.node
      .findAll()
      .filter((c): c is NodeHandler => c instanceof NodeHandler)
      .map((h) => ({
        fn: functions[logicalIdOf(h.function)] ?? { Type: 'missing' },
        logGroupId: logicalIdOf(h.logGroup),
      }));
  }

  it('run Node.js 22 on arm64 with source maps and every table name', () => {
    const tableEnv = Object.fromEntries(
      TABLE_SPECS.map((spec) => [TABLE_ENV[spec.id], { Ref: tableLogicalId(dev.stack, spec.id) }]),
    );
    expect(handlers()).not.toHaveLength(0);
    for (const { fn } of handlers()) {
      expect(fn.Properties?.Runtime).toBe('nodejs22.x');
      expect(fn.Properties?.Architectures).toEqual(['arm64']);
      expect(fn.Properties?.Environment).toMatchObject({
        Variables: { ...tableEnv, NODE_OPTIONS: '--enable-source-maps' },
      });
    }
  });

  it('log to their own group with a finite retention', () => {
    const groups = resourcesOf(dev.template, 'AWS::Logs::LogGroup');
    for (const { fn, logGroupId } of handlers()) {
      expect(fn.Properties?.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
      expect(groups[logGroupId]?.Properties?.RetentionInDays).toEqual(expect.any(Number));
    }
  });
});

describe('IAM: least privilege', () => {
  type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

  function statements(template: Template): Statement[] {
    const inline = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).map((p) => p.Properties?.PolicyDocument);
    const rolePolicies = Object.values(resourcesOf(template, 'AWS::IAM::Role')).flatMap((role) =>
      ((role.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).map((p) => p.PolicyDocument),
    );
    return [...inline, ...rolePolicies].flatMap((doc) => (doc as { Statement: Statement[] }).Statement);
  }

  const actionsOf = (s: Statement): string[] => [s.Action].flat();

  it('grants no "*" and no whole-service ("dynamodb:*") actions', () => {
    const actions = statements(dev.template).flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) {
      expect(action).not.toBe('*');
      expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
    }
  });

  it('never grants DynamoDB actions on every resource (but ListStreams, which has no resource level)', () => {
    for (const statement of statements(dev.template)) {
      // A stream event source needs dynamodb:ListStreams, which IAM only grants on "*".
      if (actionsOf(statement).some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:ListStreams')) {
        expect([statement.Resource].flat()).not.toContain('*');
      }
    }
  });

  it('lets the events handler read events and seats, and write only the seat map item (an event without one yet)', () => {
    const roleId = logicalIdOf(dev.stack.api.events.handler.function.role);
    const handlerStatements = Object.values(resourcesOf(dev.template, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleId))
      .flatMap((policy) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);

    const actions = handlerStatements.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    const writes = handlerStatements.filter((s) =>
      actionsOf(s).some((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|Transact)/.test(a)),
    );
    expect(
      writes.flatMap(actionsOf).filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|Transact)/.test(a)),
    ).toEqual(['dynamodb:PutItem']);
    expect(JSON.stringify(writes.map((s) => s.Resource))).toContain(tableLogicalId(dev.stack, 'buyers'));

    const resources = JSON.stringify(handlerStatements.map((s) => s.Resource));
    expect(resources).toContain(tableLogicalId(dev.stack, 'events'));
    expect(resources).toContain(tableLogicalId(dev.stack, 'seats'));
    expect(resources).not.toContain(tableLogicalId(dev.stack, 'orders'));
  });
});

describe('HTTP API', () => {
  it('deploys exactly the routes of the shared route table and $default (the local gateway serves the same)', () => {
    const functionId = logicalIdOf(dev.stack.api.events.handler.function);
    expect(ROUTES.map(routeKey)).toEqual(expect.arrayContaining(['GET /api/events', 'GET /api/events/{eventId}']));
    for (const route of ROUTES) {
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey(route),
        Target: Match.anyValue(),
      });
    }
    const httpApiId = logicalIdOf(dev.stack.api.httpApi);
    const httpRoutes = Object.values(resourcesOf(dev.template, 'AWS::ApiGatewayV2::Route')).filter(
      (r) => JSON.stringify(r.Properties?.ApiId) === JSON.stringify({ Ref: httpApiId }),
    );
    // …plus the `$default` catch-all (unknown routes and methods in the documented error shape).
    expect(httpRoutes.map((r) => r.Properties?.RouteKey).sort()).toEqual([...ROUTES.map(routeKey), '$default'].sort());
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
  });

  it('outputs the API URL', () => {
    dev.template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'ApiEndpoint'] } });
  });
});
