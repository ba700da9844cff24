import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from '../contract/request-limits';

/**
 * A deployment stage (`-c stage=<name>`): one stack per stage, `TicketDrop-<name>`.
 *
 * Everything that differs between a throwaway stage and production is decided here, once,
 * so constructs ask "what does this stage want" instead of comparing names themselves.
 */
export interface Stage {
  readonly name: string;
  /** Production data lives here: keep it when the stack goes, refuse accidental deletes. */
  readonly isProdLike: boolean;
  /** For stateful resources (tables, log groups). */
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: RetentionDays;
  /**
   * Abuse limits per client address, enforced by the handlers (sessions, waiting-room joins): the
   * functions get them as SESSION_LIMIT, ... (the same variables `npm start` reads).
   */
  readonly requestLimits: RequestLimits;
  /**
   * Per-route throttles of the HTTP API stage (API Gateway routeSettings), by route key: a budget
   * for the whole route, shared by every client, so a flood of one route (sessions, joins) cannot
   * use up the stage-wide throttle that orders need too. Not per client: that is `requestLimits`
   * and the optional WAF.
   */
  readonly routeThrottles: Readonly<Record<string, RouteThrottle>>;
  /**
   * The optional WAF web ACL (`-c waf=true`) on CloudFront: rate-based rules per client IP, a
   * coarse flood guard in front of the handlers' own limits (it stops a flood before it costs a
   * Lambda call or a DynamoDB write). Requests per IP per window, for each limited route.
   */
  readonly firewall: FirewallLimits;
}

export interface RouteThrottle {
  /** Requests per second, steady state, for the route as a whole. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface FirewallLimits {
  /** WAF rate-based windows are 60, 120, 300 or 600 s. */
  readonly windowSeconds: 60 | 120 | 300 | 600;
  /** POST /api/sessions per IP per window (WAF's minimum is 10). */
  readonly sessionsPerAddress: number;
  /** POST /api/events/{id}/queue per IP per window. */
  readonly queueJoinsPerAddress: number;
}

/**
 * A drop of 10,000 buyers arriving within a minute is ~170 sessions/s and as many joins: the
 * route budgets leave room for twice that, and stay below the stage-wide API_THROTTLE so orders
 * keep theirs.
 */
export const DEFAULT_ROUTE_THROTTLES: Readonly<Record<string, RouteThrottle>> = {
  'POST /api/sessions': { rateLimit: 300, burstLimit: 600 },
  'POST /api/events/{eventId}/queue': { rateLimit: 300, burstLimit: 600 },
};

/**
 * Five times the handlers' own limits (a minute each): the WAF only stops what is clearly a
 * flood, and everything below it gets the handlers' precise 429 with its Retry-After.
 */
export const DEFAULT_FIREWALL_LIMITS: FirewallLimits = {
  windowSeconds: 60,
  sessionsPerAddress: 5 * DEFAULT_REQUEST_LIMITS.sessions.limit,
  queueJoinsPerAddress: 5 * DEFAULT_REQUEST_LIMITS.queueJoins.limit,
};

export const DEFAULT_STAGE_NAME = 'dev';

/** Short so `TicketDrop-<stage>` and the names CloudFormation derives from it stay readable. */
export const MAX_STAGE_NAME_LENGTH = 16;

const STAGE_NAME_PATTERN = new RegExp(`^[a-z](?:[a-z0-9-]{0,${MAX_STAGE_NAME_LENGTH - 2}}[a-z0-9])?$`);

/** `prod` itself and its variants (`prod-eu`, ...) hold real buyers' data. */
const PROD_LIKE_PATTERN = /^prod(?:-|$)/;

export class InvalidStageName extends Error {
  constructor(raw: unknown) {
    super(
      `Invalid stage name ${JSON.stringify(raw)}: use 1-${MAX_STAGE_NAME_LENGTH} lowercase letters, ` +
        `digits or hyphens, starting with a letter and not ending with a hyphen (e.g. -c stage=dev).`,
    );
    this.name = 'InvalidStageName';
  }
}

/** Validates a stage name from CDK context; `undefined` (no `-c stage=...`) means the default. */
export function parseStageName(raw: unknown): string {
  if (raw === undefined) return DEFAULT_STAGE_NAME;
  if (typeof raw !== 'string' || !STAGE_NAME_PATTERN.test(raw)) throw new InvalidStageName(raw);
  return raw;
}

export function stageFor(name: string): Stage {
  const isProdLike = PROD_LIKE_PATTERN.test(name);
  return {
    name,
    isProdLike,
    removalPolicy: isProdLike ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: isProdLike ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_WEEK,
    // The same for every stage today; a stage that needs others sets them here.
    requestLimits: DEFAULT_REQUEST_LIMITS,
    routeThrottles: DEFAULT_ROUTE_THROTTLES,
    firewall: DEFAULT_FIREWALL_LIMITS,
  };
}

export function stageFromContext(raw: unknown): Stage {
  return stageFor(parseStageName(raw));
}

export function stackNameFor(stage: Stage): string {
  return `TicketDrop-${stage.name}`;
}
