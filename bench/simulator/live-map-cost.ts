import { ASSUMED_LAMBDA_MS, LAMBDA_MEMORY_GB, PRICES } from './cost';

/**
 * The live map's cost meter on AWS, pure: what an audience of `viewers` costs while a sale changes
 * the map every tick — socket viewers (up to the per-event budget) get one message per tick,
 * everyone else polls the snapshot through CloudFront, which sends at most about one request per
 * edge location and second to the API (max-age=1). The inputs are the deployment's settings; the
 * outputs are list-price dollars and the quota use that bounds the design (docs/ARCHITECTURE.md).
 */

/** CloudFront, us-east-1 price class (US/EU): per HTTPS request and per GB out (first 10 TB). */
export const CLOUDFRONT_PRICES = {
  asOf: '2025 list prices, United States/Europe',
  httpsRequest: 0.01 / 10_000,
  dataOutGb: 0.085,
} as const;

/** API Gateway quotas this design must stay inside (per account and region, adjustable ones marked). */
export const QUOTAS = {
  /** Requests per second across the account's APIs, @connections posts included (adjustable). */
  accountRequestsPerSecond: 10_000,
  /** New WebSocket connections per second (adjustable). */
  newConnectionsPerSecond: 500,
  /** A WebSocket lives at most 2 h and is closed after 10 min without a message. */
  connectionHours: 2,
  idleMinutes: 10,
} as const;

export interface LiveMapAudience {
  readonly viewers: number;
  /** Socket viewers per event before the rest poll (LIVE_MAP_SOCKET_VIEWERS). */
  readonly socketBudget: number;
  readonly tickMs: number;
  readonly shards: number;
  /** How long the sale changes the map (a message every tick), minutes. */
  readonly saleMinutes: number;
  /** How long viewers watch (connected or polling), minutes. */
  readonly watchMinutes: number;
  /** One poll per this many seconds per polling viewer. */
  readonly pollSeconds: number;
  /** CloudFront edge locations that forward polls to the API (each at most once per max-age). */
  readonly edgeLocations: number;
  /** Bytes of one compact snapshot as sent (compressed). */
  readonly snapshotBytes: number;
  /** Client keep-alive ping period, minutes (under the 10 min idle limit). */
  readonly pingMinutes: number;
}

export interface LiveMapCostLine {
  readonly item: string;
  readonly quantity: number;
  readonly dollars: number;
}

export interface LiveMapCost {
  readonly socketViewers: number;
  readonly pollers: number;
  readonly lines: LiveMapCostLine[];
  readonly totalDollars: number;
  /** Peak @connections posts per second during the sale (all events' viewers share the account's budget). */
  readonly postsPerSecond: number;
  readonly shareOfAccountRequestBudget: number;
  /** Peak requests per second reaching the API from CloudFront for this event's snapshot. */
  readonly originRequestsPerSecond: number;
  readonly viewerRequestsPerSecond: number;
}

export function priceLiveMap(audience: LiveMapAudience): LiveMapCost {
  const socketViewers = Math.min(audience.viewers, audience.socketBudget);
  const pollers = audience.viewers - socketViewers;
  const ticksPerSecond = 1000 / audience.tickMs;
  const saleSeconds = audience.saleMinutes * 60;
  const watchSeconds = audience.watchMinutes * 60;
  // Deltas during the sale, pings out, subscribe in and its answer.
  const messages =
    socketViewers * ticksPerSecond * saleSeconds +
    socketViewers * (audience.watchMinutes / audience.pingMinutes) +
    socketViewers * 2;
  const connectionMinutes = socketViewers * audience.watchMinutes;
  const viewerRequests = (pollers * watchSeconds) / audience.pollSeconds;
  const originRequests = Math.min(viewerRequests, audience.edgeLocations * watchSeconds);
  const ticks = ticksPerSecond * saleSeconds;
  // Per tick: one builder invocation (bounded by the stream's batches; at most one build) and one per shard.
  const lambdaInvocations = ticks * (1 + audience.shards) + originRequests + socketViewers * 2;
  const lambdaGbSeconds = (lambdaInvocations * ASSUMED_LAMBDA_MS * LAMBDA_MEMORY_GB) / 1000;
  // Per tick: a Query of the seats (~100 B each, 1 RCU per 4 KB strongly consistent) and the map item's write.
  const dataOutGb = (viewerRequests * audience.snapshotBytes) / 1e9;
  const lines: LiveMapCostLine[] = [
    { item: 'WebSocket messages', quantity: messages, dollars: messages * PRICES.webSocketMessage },
    {
      item: 'WebSocket connection-minutes',
      quantity: connectionMinutes,
      dollars: connectionMinutes * PRICES.webSocketConnectionMinute,
    },
    {
      item: 'CloudFront requests (polls)',
      quantity: viewerRequests,
      dollars: viewerRequests * CLOUDFRONT_PRICES.httpsRequest,
    },
    { item: 'CloudFront data out (GB)', quantity: dataOutGb, dollars: dataOutGb * CLOUDFRONT_PRICES.dataOutGb },
    {
      item: 'HTTP API requests (cache misses)',
      quantity: originRequests,
      dollars: originRequests * PRICES.httpApiRequest,
    },
    { item: 'Lambda invocations', quantity: lambdaInvocations, dollars: lambdaInvocations * PRICES.lambdaRequest },
    {
      item: `Lambda duration (GB-s, ${ASSUMED_LAMBDA_MS} ms assumed each)`,
      quantity: lambdaGbSeconds,
      dollars: lambdaGbSeconds * PRICES.lambdaGbSecond,
    },
  ];
  const postsPerSecond = socketViewers * ticksPerSecond;
  return {
    socketViewers,
    pollers,
    lines,
    totalDollars: lines.reduce((sum, line) => sum + line.dollars, 0),
    postsPerSecond,
    shareOfAccountRequestBudget: postsPerSecond / QUOTAS.accountRequestsPerSecond,
    originRequestsPerSecond: Math.min(pollers / audience.pollSeconds, audience.edgeLocations),
    viewerRequestsPerSecond: pollers / audience.pollSeconds,
  };
}
