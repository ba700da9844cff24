import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFor } from '../../lib/stage';
import type { TicketDropStack } from '../../lib/ticketdrop-stack';
import { frontendBuild } from '../../lib/web/frontend-files';
import { Site } from '../../lib/web/site';
import { SPA_REWRITE_FUNCTION } from '../../lib/web/spa-rewrite';
import { logicalIdOf, type Resource, resourcesOf, synthStage } from '../support/cdk-synth';

/** The site: private bucket behind CloudFront (OAC), /api/* to the HTTP API, SPA rewrite, caching, config.json. */

// Managed policies (fixed ids, the same in every account).
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let dev: ReturnType<typeof synthStage>;
let prod: ReturnType<typeof synthStage>;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});

afterAll(() => {
  dev?.dispose();
  prod?.dispose();
});

type DistributionConfig = {
  DefaultCacheBehavior: Record<string, unknown>;
  CacheBehaviors: Record<string, unknown>[];
  Origins: {
    Id: string;
    DomainName: unknown;
    OriginAccessControlId?: unknown;
    CustomOriginConfig?: Record<string, unknown>;
  }[];
  CustomErrorResponses?: unknown[];
  DefaultRootObject?: string;
};

function distributionOf(stack: TicketDropStack, template: Template): DistributionConfig {
  const resource = resourcesOf(template, 'AWS::CloudFront::Distribution')[logicalIdOf(stack.site.distribution)]!;
  return resource.Properties!.DistributionConfig as DistributionConfig;
}

describe('bucket', () => {
  it('is private: public access blocked, objects owned by the bucket owner, encrypted, TLS only', () => {
    const bucket = resourcesOf(dev.template, 'AWS::S3::Bucket')[logicalIdOf(dev.stack.site.bucket)]!;
    expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties?.BucketEncryption).toBeDefined();
    dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(dev.stack.site.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('is readable by this distribution only (origin access control, signed requests)', () => {
    dev.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    });
    const s3Origin = distributionOf(dev.stack, dev.template).Origins.find((o) => o.OriginAccessControlId !== undefined);
    expect(s3Origin?.DomainName).toEqual({ 'Fn::GetAtt': [logicalIdOf(dev.stack.site.bucket), 'RegionalDomainName'] });
    dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('goes with a sandbox stack (emptied first) and stays with prod', () => {
    const devBucket = resourcesOf(dev.template, 'AWS::S3::Bucket')[logicalIdOf(dev.stack.site.bucket)]!;
    expect(devBucket.DeletionPolicy).toBe('Delete');
    dev.template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    const prodBucket = resourcesOf(prod.template, 'AWS::S3::Bucket')[logicalIdOf(prod.stack.site.bucket)]!;
    expect(prodBucket.DeletionPolicy).toBe('Retain');
    prod.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

describe('distribution', () => {
  it('serves the bucket by default over HTTPS, with the SPA rewrite on viewer requests', () => {
    const config = distributionOf(dev.stack, dev.template);
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      FunctionAssociations: [
        {
          EventType: 'viewer-request',
          FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/^WebSpaRewrite/), 'FunctionARN'] },
        },
      ],
    });
    const s3Origin = config.Origins.find((o) => o.OriginAccessControlId !== undefined)!;
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(s3Origin.Id);
  });

  it('routes /api/* to the HTTP API: uncached, every method, every viewer header but Host', () => {
    const config = distributionOf(dev.stack, dev.template);
    const api = config.CacheBehaviors.find((b) => b.PathPattern === '/api/*');
    expect(api).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
      ViewerProtocolPolicy: 'https-only',
    });
    const origin = config.Origins.find((o) => o.Id === api?.TargetOriginId);
    expect(origin?.DomainName).toEqual({
      'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [logicalIdOf(dev.stack.api.httpApi), 'ApiEndpoint'] }] }],
    });
    expect(origin?.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
  });

  it('caches the live seat map snapshot by its own max-age (≤ 5 s), before /api/*, GET and HEAD only, one entry per event', () => {
    const config = distributionOf(dev.stack, dev.template);
    const patterns = config.CacheBehaviors.map((b) => b.PathPattern);
    expect(patterns.indexOf('/api/events/*/seat-map')).toBeLessThan(patterns.indexOf('/api/*'));
    const seatMap = config.CacheBehaviors.find((b) => b.PathPattern === '/api/events/*/seat-map')!;
    expect(seatMap).toMatchObject({ AllowedMethods: ['GET', 'HEAD'], ViewerProtocolPolicy: 'https-only' });
    expect(seatMap.OriginRequestPolicyId).toBeUndefined();
    const api = config.CacheBehaviors.find((b) => b.PathPattern === '/api/*')!;
    expect(seatMap.TargetOriginId).toBe(api.TargetOriginId);
    dev.template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        MinTTL: 0,
        DefaultTTL: 1,
        MaxTTL: 5,
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          HeadersConfig: { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      }),
    });
  });

  it('caches the waiting room counter for its max-age (2 s), ahead of the uncached /api/*', () => {
    const config = distributionOf(dev.stack, dev.template);
    const patterns = config.CacheBehaviors.map((b) => b.PathPattern);
    expect(patterns.indexOf('/api/events/*/queue/status')).toBeLessThan(patterns.indexOf('/api/*'));
    const counter = config.CacheBehaviors.find((b) => b.PathPattern === '/api/events/*/queue/status');
    expect(counter?.CachePolicyId).not.toBe(CACHING_DISABLED);
    expect(counter?.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(counter?.TargetOriginId).toBe(config.CacheBehaviors.find((b) => b.PathPattern === '/api/*')?.TargetOriginId);
  });

  it('has no distribution-wide error pages: an API 404 stays a 404', () => {
    expect(distributionOf(dev.stack, dev.template).CustomErrorResponses).toBeUndefined();
  });

  it('lets objects decide how long they are cached (min TTL 0, up to a year)', () => {
    dev.template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ MinTTL: 0, MaxTTL: 31_536_000 }),
    });
  });
});

describe('SPA rewrite function', () => {
  const rewrite = new Function(`${SPA_REWRITE_FUNCTION}; return handler;`)() as (event: {
    request: { uri: string };
  }) => { uri: string };
  it.each([
    ['/', '/index.html'],
    ['/events/ticketdrop-live', '/index.html'],
    ['/events/ticketdrop-live/', '/index.html'],
    ['/assets/index-abc123.js', '/assets/index-abc123.js'],
    ['/config.json', '/config.json'],
    ['/favicon.ico', '/favicon.ico'],
  ])('%s → %s', (uri, expected) => {
    expect(rewrite({ request: { uri } }).uri).toBe(expected);
  });

  it('is deployed as a CloudFront Function (JS 2.0)', () => {
    dev.template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: SPA_REWRITE_FUNCTION,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    });
  });
});

describe('deployment of the build', () => {
  let dir = '';
  let template: Template;
  let placeholder: { template: Template; stack: Stack };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ticketdrop-web-'));
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><script src="/assets/app-1a2b.js"></script>');
    writeFileSync(join(dist, 'assets', 'app-1a2b.js'), 'console.log(1)');
    const siteStack = (id: string, buildDir: string) => {
      const app = new App({ outdir: join(dir, id), context: { 'aws:cdk:bundling-stacks': [] } });
      const stack = new Stack(app, id);
      const httpApi = new HttpApi(stack, 'Api');
      new Site(stack, 'Web', {
        stage: stageFor('dev'),
        httpApi,
        webSocketUrl: 'wss://example.test/dev',
        edgeKey: new Secret(stack, 'EdgeKey'),
        build: frontendBuild(buildDir),
      });
      return { stack, template: Template.fromStack(stack) };
    };
    template = siteStack('Built', dist).template;
    placeholder = siteStack('Unbuilt', join(dir, 'missing'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const deployments = (t: Template) => Object.values(resourcesOf(t, 'Custom::CDKBucketDeployment')) as Resource[];

  it('uploads hashed assets as immutable for a year, keeping older ones (pages loaded before a deploy)', () => {
    const assets = deployments(template).find((d) => d.Properties?.DestinationBucketKeyPrefix === 'assets/');
    expect(assets?.Properties).toMatchObject({
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
  });

  it('uploads index.html and a config.json with this stage’s WebSocket URL, never cached, after the assets', () => {
    const shell = deployments(template).find((d) => d.Properties?.DestinationBucketKeyPrefix === undefined);
    expect(shell?.Properties).toMatchObject({ Prune: false, SystemMetadata: { 'cache-control': 'no-cache' } });
    expect(shell?.Properties?.SourceObjectKeys).toHaveLength(2); // the build (without assets/) + config.json
    const json = resourcesOf(template, 'Custom::CDKBucketDeployment');
    const shellId = Object.keys(json).find((id) => json[id] === shell)!;
    expect(template.toJSON().Resources[shellId].DependsOn.join()).toMatch(/DeployAssets/);
  });

  it('without a build: a placeholder page and a warning that says how to build', () => {
    const [shell, ...others] = deployments(placeholder.template);
    expect(others).toEqual([]);
    expect(shell?.Properties?.SourceObjectKeys).toHaveLength(2);
    Annotations.fromStack(placeholder.stack).hasWarning('/Unbuilt/Web', Match.stringLikeRegexp('npm run build:web'));
  });
});

describe('outputs', () => {
  it('SiteUrl (CloudFront), ApiUrl, WebSocketUrl and the admin key secret', () => {
    dev.template.hasOutput('SiteUrl', {
      Value: {
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalIdOf(dev.stack.site.distribution), 'DomainName'] }]],
      },
    });
    dev.template.hasOutput('ApiUrl', Match.anyValue());
    dev.template.hasOutput('WebSocketUrl', Match.anyValue());
    dev.template.hasOutput('AdminApiKeySecretArn', { Value: { Ref: logicalIdOf(dev.stack.api.secrets.adminApiKey) } });
  });
});
