import { Annotations, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EDGE_HEADERS } from '../../contract/request-limits';
import type { Stage } from '../stage';
import { type FrontendBuild, frontendBuild, PLACEHOLDER_PAGE } from './frontend-files';
import { SPA_REWRITE_FUNCTION } from './spa-rewrite';
import { VIEWER_ADDRESS_FUNCTION } from './viewer-address';

export interface SiteProps {
  readonly stage: Stage;
  /** Reached on the same origin under `/api/*` (all routes live there). */
  readonly httpApi: IHttpApi;
  /** Written into `/config.json` for the browser (`wss://…/<stage>`). */
  readonly webSocketUrl: string;
  /** Defaults to `frontend/dist` as it is now. */
  readonly build?: FrontendBuild;
  /**
   * CloudFront's proof on `/api/*` requests (origin custom header), so the API believes the viewer
   * address it passes on. Resolved by CloudFormation at deploy time: the value is not in the template.
   */
  readonly edgeKey: ISecret;
  /** The WAF web ACL (scope CLOUDFRONT) to attach, when the stage has one (`-c waf=true`). */
  readonly webAclArn?: string;
}

/** `Cache-Control` the objects carry; the cache policy honours it (min TTL 0). */
const IMMUTABLE = [
  s3deploy.CacheControl.setPublic(),
  s3deploy.CacheControl.maxAge(Duration.days(365)),
  s3deploy.CacheControl.immutable(),
];
const REVALIDATE = [s3deploy.CacheControl.noCache()];

/**
 * The buyer-facing site: one CloudFront origin for the page and the API. A private bucket (OAC:
 * only this distribution may read it) holds the stage-independent build; `/config.json`, written
 * at deploy time, tells the page where this stage's WebSocket is. `/api/*` goes uncached to the
 * HTTP API, so the browser calls the API same-origin (no CORS).
 */
/** The compact seat map's route (GET /api/events/{eventId}/seat-map) as a CloudFront path pattern. */
export const SEAT_MAP_PATH_PATTERN = '/api/events/*/seat-map';

export class Site extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Build output, not data: a sandbox's bucket goes with its stack, contents included.
      removalPolicy: props.stage.isProdLike ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !props.stage.isProdLike,
    });

    const spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Extension-less paths are app pages: serve /index.html',
    });
    const cachePolicy = new cloudfront.CachePolicy(this, 'ObjectCachePolicy', {
      comment: 'Honour each object’s Cache-Control: hashed assets a year, index.html and config.json never',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      code: cloudfront.FunctionCode.fromInline(VIEWER_ADDRESS_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Tells the API the viewer address, for its per-address abuse limits',
    });
    // The API's host name: https://<id>.execute-api.<region>.amazonaws.com → its third '/' part.
    const apiDomain = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    // One origin for every /api behaviour. Its edge key overwrites a viewer header of the same
    // name: a client cannot pass its own, so the API believes the viewer address only from here.
    const apiOrigin = new origins.HttpOrigin(apiDomain, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      customHeaders: { [EDGE_HEADERS.edgeKey]: props.edgeKey.secretValue.unsafeUnwrap() },
    });
    // The waiting room's public counter is the same for every buyer: CloudFront keeps it as long
    // as its Cache-Control says (2 s), so a line of any size polls the API ≈ once per 2 s per edge.
    const roomCounterCache = new cloudfront.CachePolicy(this, 'RoomCounterCachePolicy', {
      comment: 'The waiting room counter: honour its Cache-Control (max-age=2), keyed by path only',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(2),
      maxTtl: Duration.seconds(5),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `TicketDrop ${props.stage.name}`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [{ function: spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // The live seat map's snapshot (before /api/*: the first matching pattern wins): cached by its
        // own max-age=1, so at most about one request per second and edge reaches the API however
        // many viewers poll; CloudFront answers If-None-Match itself (304) from what it holds.
        [SEAT_MAP_PATH_PATTERN]: {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
          cachePolicy: new cloudfront.CachePolicy(this, 'SeatMapCachePolicy', {
            comment: 'Live seat map snapshots: the origin’s Cache-Control (max-age=1) decides, never longer than 5 s',
            minTtl: Duration.seconds(0),
            defaultTtl: Duration.seconds(1),
            maxTtl: Duration.seconds(5),
            // Nothing of the viewer's request varies the snapshot: one cache entry per event.
            headerBehavior: cloudfront.CacheHeaderBehavior.none(),
            queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
            cookieBehavior: cloudfront.CacheCookieBehavior.none(),
            enableAcceptEncodingGzip: true,
            enableAcceptEncodingBrotli: true,
          }),
        },
        // Before '/api/*': CloudFront takes the first pattern that matches.
        '/api/events/*/queue/status': {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: roomCounterCache,
        },
        '/api/*': {
          origin: apiOrigin,
          // A redirect would turn a POST into a GET: plain HTTP is refused instead.
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // Authorization, x-admin-key, query strings… everything but Host, which must be the API's.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations: [{ function: viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });

    this.deploy(props.build ?? frontendBuild(), props.webSocketUrl);
  }

  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  private deploy(build: FrontendBuild, webSocketUrl: string): void {
    const target = { destinationBucket: this.bucket, prune: false };
    // Same origin for the API; the WebSocket URL is this stage's. One build serves every stage.
    const config = s3deploy.Source.jsonData('config.json', { apiBaseUrl: '', websocketUrl: webSocketUrl });
    if (!build.dir) {
      Annotations.of(this).addWarning(
        'frontend/dist is missing: the site gets a placeholder page. Run `npm run build:web` (or `npx cdk synth`, which builds it) before deploying.',
      );
    }
    // Old hashed assets are kept (prune: false): a page loaded before this deploy still finds its files.
    const assets = build.assetsDir
      ? new s3deploy.BucketDeployment(this, 'DeployAssets', {
          ...target,
          sources: [s3deploy.Source.asset(build.assetsDir)],
          destinationKeyPrefix: 'assets/',
          cacheControl: IMMUTABLE,
        })
      : undefined;
    const shell = new s3deploy.BucketDeployment(this, 'DeployShell', {
      ...target,
      sources: [
        build.dir
          ? s3deploy.Source.asset(build.dir, { exclude: ['assets', 'assets/**', 'config.json'] })
          : s3deploy.Source.data('index.html', PLACEHOLDER_PAGE),
        config,
      ],
      cacheControl: REVALIDATE,
    });
    // The new index.html only once the assets it names are there.
    if (assets) shell.node.addDependency(assets);
  }
}
