/**
 * The cost meter: AWS operations a run caused, priced with a dated list-price table. Pure.
 *
 * PRICES: AWS list prices, region us-east-1, on-demand, first pricing tier, no free tier, as
 * published on the services' pricing pages (aws.amazon.com/<service>/pricing) in 2025 — DynamoDB
 * on-demand after the 2024-11-01 price cut. Check them before relying on the dollars.
 */
export const PRICES = {
  asOf: '2025 list prices, us-east-1',
  /** Step Functions Standard: per state transition ($0.025 per 1,000). */
  stateTransition: 0.025 / 1_000,
  /** Lambda: per request ($0.20 per million). */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda arm64 duration: per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** API Gateway HTTP API: per request up to 512 KB ($1.00 per million, first 300 M). */
  httpApiRequest: 1.0 / 1_000_000,
  /** API Gateway WebSocket: per message up to 32 KB ($1.00 per million, first 1 B), both directions. */
  webSocketMessage: 1.0 / 1_000_000,
  /** API Gateway WebSocket: per connection-minute ($0.25 per million). */
  webSocketConnectionMinute: 0.25 / 1_000_000,
  /** DynamoDB on-demand: per write request unit ($0.625 per million; a transactional item is 2). */
  dynamoWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand: per read request unit ($0.125 per million; eventually consistent = 0.5). */
  dynamoReadUnit: 0.125 / 1_000_000,
  /** DynamoDB Streams reads by Lambda event source mappings are free. */
  streamReadByLambda: 0,
} as const;

/**
 * Lambda duration is not observable from outside: this many ms per invocation at the stack's
 * 512 MB (lib/constructs/node-handler.ts) is assumed. Most handlers finish in tens of ms; waits for
 * DynamoDB dominate.
 */
export const ASSUMED_LAMBDA_MS = 100;
export const LAMBDA_MEMORY_GB = 0.5;

export type Source = 'measured' | 'estimated' | 'not measured';

export interface Counted {
  readonly value: number;
  readonly source: Source;
  readonly note?: string;
}

export interface Usage {
  readonly httpRequests: Counted;
  /** $connect + $disconnect + subscribe route invocations. */
  readonly webSocketRouteCalls: Counted;
  readonly webSocketMessages: Counted;
  readonly webSocketConnectionMinutes: Counted;
  readonly stateTransitions: Counted;
  /** Lambda invocations by the order state machine (each attempt, retries included). */
  readonly stepInvocations: Counted;
  /** Lambda invocations by stream event source mappings (broadcaster, waiting-room order endings). */
  readonly streamBatches: Counted;
  readonly dynamoWriteUnits: Counted;
  readonly dynamoReadUnits: Counted;
}

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly source: Source;
  readonly dollars: number;
}

export interface CostReport {
  readonly lines: CostLine[];
  readonly lambdaInvocations: number;
  readonly totalDollars: number;
  readonly tickets: number;
  readonly dollarsPer1000Tickets: number;
}

const worst = (...sources: Source[]): Source =>
  sources.includes('not measured') ? 'not measured' : sources.includes('estimated') ? 'estimated' : 'measured';

export function priceUsage(usage: Usage, tickets: number): CostReport {
  const lambdaInvocations =
    usage.httpRequests.value +
    usage.webSocketRouteCalls.value +
    usage.stepInvocations.value +
    usage.streamBatches.value;
  const invocationSource = worst(
    usage.httpRequests.source,
    usage.webSocketRouteCalls.source,
    usage.stepInvocations.source,
    usage.streamBatches.source,
  );
  const lines: CostLine[] = [
    {
      item: 'Step Functions state transitions',
      quantity: usage.stateTransitions.value,
      source: usage.stateTransitions.source,
      dollars: usage.stateTransitions.value * PRICES.stateTransition,
    },
    {
      item: 'Lambda invocations',
      quantity: lambdaInvocations,
      source: invocationSource,
      dollars: lambdaInvocations * PRICES.lambdaRequest,
    },
    {
      item: `Lambda duration (GB-s, ${ASSUMED_LAMBDA_MS} ms assumed each)`,
      quantity: (lambdaInvocations * ASSUMED_LAMBDA_MS * LAMBDA_MEMORY_GB) / 1000,
      source: 'estimated',
      dollars: ((lambdaInvocations * ASSUMED_LAMBDA_MS * LAMBDA_MEMORY_GB) / 1000) * PRICES.lambdaGbSecond,
    },
    {
      item: 'HTTP API requests',
      quantity: usage.httpRequests.value,
      source: usage.httpRequests.source,
      dollars: usage.httpRequests.value * PRICES.httpApiRequest,
    },
    {
      item: 'WebSocket messages',
      quantity: usage.webSocketMessages.value,
      source: usage.webSocketMessages.source,
      dollars: usage.webSocketMessages.value * PRICES.webSocketMessage,
    },
    {
      item: 'WebSocket connection-minutes',
      quantity: usage.webSocketConnectionMinutes.value,
      source: usage.webSocketConnectionMinutes.source,
      dollars: usage.webSocketConnectionMinutes.value * PRICES.webSocketConnectionMinute,
    },
    {
      item: 'DynamoDB write request units',
      quantity: usage.dynamoWriteUnits.value,
      source: usage.dynamoWriteUnits.source,
      dollars: usage.dynamoWriteUnits.value * PRICES.dynamoWriteUnit,
    },
    {
      item: 'DynamoDB read request units',
      quantity: usage.dynamoReadUnits.value,
      source: usage.dynamoReadUnits.source,
      dollars: usage.dynamoReadUnits.value * PRICES.dynamoReadUnit,
    },
    {
      item: 'DynamoDB Streams reads (Lambda triggers: free)',
      quantity: usage.streamBatches.value,
      source: usage.streamBatches.source,
      dollars: 0,
    },
  ];
  const totalDollars = lines.reduce((sum, line) => sum + line.dollars, 0);
  return {
    lines,
    lambdaInvocations,
    totalDollars,
    tickets,
    dollarsPer1000Tickets: tickets === 0 ? NaN : (totalDollars / tickets) * 1000,
  };
}

/**
 * Per-ticket DynamoDB units of a purchase, for a stack whose DynamoDB the simulator cannot see
 * (`--url`): measured on the local stack by `npm run bench:cost` (bench/RESULTS.md, 2026-11-23),
 * one seat per order, happy path, no contention (a contended drop adds refused writes and seat-map
 * reads). The order item carries the tickets' QR codes, so its writes are several units each.
 */
export const ESTIMATED_UNITS_PER_TICKET = { write: 50, read: 18 } as const;
