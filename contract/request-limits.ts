/**
 * Abuse limits at the HTTP edge (issue #12 item 2): how many requests of one kind one client
 * address may make per window. Plain data shared by the handlers (lambdas/core/platform/config.ts
 * parses the variables), the CDK stage settings (lib/stage.ts sets them per stage), the local
 * stack (`npm start` passes them through from its environment) and the simulator and benchmarks
 * (which raise them for their own runs).
 */

/** The limited requests: a new buyer session, a join of a waiting room, an operator sign-in (admin key for a session). */
export type LimitedAction = 'sessions' | 'queueJoins' | 'operatorSessions';

export interface RequestLimit {
  /** Requests one client address may make per window. */
  readonly limit: number;
  readonly windowSeconds: number;
}

export type RequestLimits = Readonly<Record<LimitedAction, RequestLimit>>;

/**
 * On by default, locally too. A buyer needs one session and one join per event; a page reload
 * or a renewal makes a few more. Twenty sessions a minute from one address leaves room for a
 * household or a small office behind one NAT, and caps a script at 1,200 places an hour per
 * address instead of thousands a second. Joins are idempotent per buyer, so their limit only
 * bounds the DynamoDB writes one address can cause.
 */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  sessions: { limit: 20, windowSeconds: 60 },
  queueJoins: { limit: 60, windowSeconds: 60 },
  // Each sign-in is a guess at the admin key: a handful a minute is plenty for people, little for a script.
  operatorSessions: { limit: 10, windowSeconds: 60 },
};

/** The variables that carry them to a handler (a Lambda's environment, the local stack's settings). */
export const REQUEST_LIMIT_ENV: Readonly<Record<LimitedAction, { limit: string; windowSeconds: string }>> = {
  sessions: { limit: 'SESSION_LIMIT', windowSeconds: 'SESSION_LIMIT_WINDOW_SECONDS' },
  queueJoins: { limit: 'QUEUE_JOIN_LIMIT', windowSeconds: 'QUEUE_JOIN_LIMIT_WINDOW_SECONDS' },
  operatorSessions: { limit: 'OPERATOR_SESSION_LIMIT', windowSeconds: 'OPERATOR_SESSION_LIMIT_WINDOW_SECONDS' },
};

/**
 * On AWS buyers reach the API through CloudFront, so API Gateway's `sourceIp` is a CloudFront edge
 * server, shared by thousands of buyers. CloudFront therefore tells the handlers the viewer's
 * address in VIEWER_ADDRESS (a CloudFront Function sets it from the connection, overwriting what a
 * client sent), and proves the request came through it with EDGE_KEY (an origin custom header
 * CloudFront sets from a generated secret; a client cannot know it). The handlers believe the
 * viewer address only with the right key: a client calling the API directly is counted by its own
 * `sourceIp`, whatever headers it sends.
 */
export const EDGE_HEADERS = {
  viewerAddress: 'x-ticketdrop-viewer-address',
  edgeKey: 'x-ticketdrop-edge-key',
} as const;

/** The largest limit a setting may have: high enough for any load this project generates. */
export const MAX_REQUEST_LIMIT = 10_000_000;
export const MAX_LIMIT_WINDOW_SECONDS = 86_400;

/** `limits` as variables, for a function's environment or `startLocalStack({ environment })`. */
export function requestLimitEnvironment(limits: RequestLimits): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(REQUEST_LIMIT_ENV) as LimitedAction[]).flatMap((action) => [
      [REQUEST_LIMIT_ENV[action].limit, String(limits[action].limit)],
      [REQUEST_LIMIT_ENV[action].windowSeconds, String(limits[action].windowSeconds)],
    ]),
  );
}

/**
 * For runs that make every buyer from one address on purpose (the simulator, the benchmarks,
 * tests of many buyers): the limits raised out of the way. Whoever uses them says so.
 */
export const RAISED_REQUEST_LIMITS: RequestLimits = {
  sessions: { limit: MAX_REQUEST_LIMIT, windowSeconds: 60 },
  queueJoins: { limit: MAX_REQUEST_LIMIT, windowSeconds: 60 },
  operatorSessions: { limit: MAX_REQUEST_LIMIT, windowSeconds: 60 },
};
export const RAISED_REQUEST_LIMITS_ENV: Readonly<Record<string, string>> =
  requestLimitEnvironment(RAISED_REQUEST_LIMITS);
