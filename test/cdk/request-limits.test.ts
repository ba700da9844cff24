import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_LIMITS, EDGE_HEADERS, REQUEST_LIMIT_ENV } from '../../contract/request-limits';
import { DEFAULT_FIREWALL_LIMITS, DEFAULT_ROUTE_THROTTLES } from '../../lib/stage';
import type { TicketDropStack } from '../../lib/ticketdrop-stack';
import { logicalIdOf, resourcesOf, roleStatementsOf, synthStage } from '../support/cdk-synth';

/** The abuse limits in the template: route throttles, the handlers' settings, and the WAF only with its flag. */

let plain: { stack: TicketDropStack; template: Template; dispose: () => void };
let withWaf: { stack: TicketDropStack; template: Template; dispose: () => void };

beforeAll(() => {
  plain = synthStage('dev');
  withWaf = synthStage('dev', { waf: 'true' });
});

afterAll(() => {
  plain?.dispose();
  withWaf?.dispose();
});

describe('HTTP API stage', () => {
  it('throttles sessions and joins per route, apart from the stage-wide default', () => {
    plain.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 }),
      RouteSettings: {
        'POST /api/sessions': {
          ThrottlingRateLimit: DEFAULT_ROUTE_THROTTLES['POST /api/sessions']!.rateLimit,
          ThrottlingBurstLimit: DEFAULT_ROUTE_THROTTLES['POST /api/sessions']!.burstLimit,
        },
        'POST /api/events/{eventId}/queue': {
          ThrottlingRateLimit: DEFAULT_ROUTE_THROTTLES['POST /api/events/{eventId}/queue']!.rateLimit,
          ThrottlingBurstLimit: DEFAULT_ROUTE_THROTTLES['POST /api/events/{eventId}/queue']!.burstLimit,
        },
      },
    });
  });

  it('is deployed after the throttled routes exist (route settings name them)', () => {
    const [stage] = Object.values(resourcesOf(plain.template, 'AWS::ApiGatewayV2::Stage')) as {
      DependsOn?: string[];
    }[];
    const routes = resourcesOf(plain.template, 'AWS::ApiGatewayV2::Route');
    const sessionsRoute = Object.entries(routes).find(
      ([, r]) => (r.Properties as { RouteKey: string }).RouteKey === 'POST /api/sessions',
    )?.[0];
    expect(stage?.DependsOn).toContain(sessionsRoute);
  });
});

describe('per-address limits in the handlers', () => {
  it('gives the sessions, queue and admin (sign-in) functions their limits and the limits table, nobody else the table', () => {
    const { stack, template } = plain;
    const limits = {
      [REQUEST_LIMIT_ENV.sessions.limit]: String(DEFAULT_REQUEST_LIMITS.sessions.limit),
      [REQUEST_LIMIT_ENV.queueJoins.limit]: String(DEFAULT_REQUEST_LIMITS.queueJoins.limit),
      [REQUEST_LIMIT_ENV.operatorSessions.limit]: String(DEFAULT_REQUEST_LIMITS.operatorSessions.limit),
    };
    for (const group of [stack.api.sessions, stack.api.queue, stack.api.admin]) {
      const fn = template.toJSON().Resources[logicalIdOf(group.handler.function)];
      expect(fn.Properties.Environment.Variables).toMatchObject(limits);
      const table = logicalIdOf(stack.data.table('limits'));
      const onTable = roleStatementsOf(template, group.handler.function).filter((s) =>
        JSON.stringify(s.Resource).includes(`"${table}"`),
      );
      expect(onTable.flatMap((s) => [s.Action].flat())).toEqual(['dynamodb:UpdateItem']);
    }
    for (const group of [stack.api.orders, stack.api.events, stack.api.tickets, stack.api.fallback]) {
      const table = logicalIdOf(stack.data.table('limits'));
      expect(JSON.stringify(roleStatementsOf(template, group.handler.function))).not.toContain(`"${table}"`);
    }
  });
});

describe('the client address behind CloudFront', () => {
  type Behavior = { PathPattern: string; FunctionAssociations?: { FunctionARN: unknown; EventType: string }[] };
  type Origin = {
    Id: string;
    CustomOriginConfig?: unknown;
    OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[];
  };
  const config = () =>
    (
      Object.values(resourcesOf(plain.template, 'AWS::CloudFront::Distribution'))[0]!.Properties as {
        DistributionConfig: { CacheBehaviors: Behavior[]; Origins: Origin[] };
      }
    ).DistributionConfig;

  it('/api/* runs the viewer-address function, which writes the viewer IP into its header', () => {
    const api = config().CacheBehaviors.find((b) => b.PathPattern === '/api/*');
    expect(api?.FunctionAssociations).toHaveLength(1);
    expect(api?.FunctionAssociations?.[0]?.EventType).toBe('viewer-request');
    const functions = Object.values(resourcesOf(plain.template, 'AWS::CloudFront::Function'));
    const code = functions.map((f) => (f.Properties as { FunctionCode: string }).FunctionCode);
    expect(
      code.some((c) => c.includes(`request.headers['${EDGE_HEADERS.viewerAddress}'] = { value: event.viewer.ip }`)),
    ).toBe(true);
  });

  it('the API origin carries the edge key as a deploy-time reference to its secret, never the value', () => {
    const apiOrigin = config().Origins.find((o) => o.CustomOriginConfig !== undefined);
    const header = apiOrigin?.OriginCustomHeaders?.find((h) => h.HeaderName === EDGE_HEADERS.edgeKey);
    const reference = JSON.stringify(header?.HeaderValue);
    expect(reference).toContain('{{resolve:secretsmanager:');
    expect(reference).toContain(logicalIdOf(plain.stack.api.secrets.edgeKey));
  });
});

describe('the optional WAF web ACL (-c waf=true)', () => {
  it('is not there without the flag', () => {
    plain.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const distributions = Object.values(resourcesOf(plain.template, 'AWS::CloudFront::Distribution'));
    expect(distributions).toHaveLength(1);
    const config = (distributions[0]!.Properties as { DistributionConfig: Record<string, unknown> }).DistributionConfig;
    expect(config.WebACLId).toBeUndefined();
  });

  it('with the flag: a CloudFront-scope ACL with a per-IP rate rule for sessions and joins, answering 429', () => {
    const { template, stack } = withWaf;
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    const rateRule = (name: string, limit: number) =>
      Match.objectLike({
        Name: name,
        Action: {
          Block: {
            CustomResponse: Match.objectLike({
              ResponseCode: 429,
              ResponseHeaders: Match.arrayWith([
                { Name: 'retry-after', Value: String(DEFAULT_FIREWALL_LIMITS.windowSeconds) },
              ]),
            }),
          },
        },
        Statement: {
          RateBasedStatement: Match.objectLike({
            AggregateKeyType: 'IP',
            Limit: limit,
            EvaluationWindowSec: DEFAULT_FIREWALL_LIMITS.windowSeconds,
          }),
        },
      });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        rateRule('SessionsPerAddress', DEFAULT_FIREWALL_LIMITS.sessionsPerAddress),
        rateRule('QueueJoinsPerAddress', DEFAULT_FIREWALL_LIMITS.queueJoinsPerAddress),
      ],
    });
    const body = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL'))[0]?.Properties
      ?.CustomResponseBodies as Record<string, { Content: string }>;
    expect(JSON.parse(Object.values(body)[0]!.Content).error.code).toBe('TooManyRequests');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: { 'Fn::GetAtt': [logicalIdOf(stack.firewall!.webAcl), 'Arn'] },
      }),
    });
  });
});
