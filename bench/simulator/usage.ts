import type { BuyerRecord, Outcome } from './buyer';
import { ESTIMATED_UNITS_PER_TICKET, type Usage } from './cost';
import type { Target } from './drop';
import type { ExecutionCost } from './execution-costs';
import type { SocketMeter } from './live';

/**
 * What a drop used, each figure measured where the target lets the simulator see it (its own
 * clients, the in-process stack's SDK meter, execution histories) and estimated otherwise.
 */

/**
 * Per-order costs of a path when no history can be read (a --url stack without
 * --state-machine-arn): measured by `npm run bench:cost` (bench/RESULTS.md). A failed order is
 * taken as one declined pay request.
 */
const PATH_ESTIMATES: Record<Outcome, { transitions: number; lambdas: number }> = {
  ticket: { transitions: 10, lambdas: 7 },
  expired: { transitions: 3, lambdas: 2 },
  failed: { transitions: 8, lambdas: 6 },
  soldOut: { transitions: 0, lambdas: 0 },
  open: { transitions: 1, lambdas: 1 },
};

export function usageOf(input: {
  buyerRequests: number;
  meter: SocketMeter;
  costs: ExecutionCost[];
  sdk:
    | { totals: { readUnits: number; writeUnits: number; estimatedWriteUnits: number }; streamBatches: number }
    | undefined;
  ticketsSold: number;
  records: BuyerRecord[];
  target: Target;
}): Usage {
  const { meter, costs, sdk, records } = input;
  const ordered = records.filter((r) => r.orderIds.length > 0);
  const estimate = (key: 'transitions' | 'lambdas') =>
    ordered.reduce((n, r) => n + PATH_ESTIMATES[r.outcome ?? 'open'][key], 0);
  const histories = input.target.stateMachineArn !== undefined;
  return {
    httpRequests: {
      value: input.buyerRequests,
      source: 'measured',
      note: 'requests the buyers, viewers and seat board sent',
    },
    webSocketRouteCalls: {
      value: 2 * meter.connections + meter.subscribes,
      source: 'measured',
      note: '$connect + $disconnect + subscribe',
    },
    webSocketMessages: {
      value: meter.messagesIn + meter.messagesOut,
      source: 'measured',
      note: 'both directions, counted at the clients',
    },
    webSocketConnectionMinutes: { value: meter.connectionMs / 60_000, source: 'measured' },
    stateTransitions: histories
      ? {
          value: costs.reduce((n, c) => n + c.transitions, 0),
          source: 'measured',
          note: 'states entered, from execution histories',
        }
      : { value: estimate('transitions'), source: 'estimated', note: 'per-path counts of docs/ARCHITECTURE.md' },
    stepInvocations: histories
      ? {
          value: costs.reduce((n, c) => n + c.lambdaInvocations, 0),
          source: 'measured',
          note: 'Lambda tasks scheduled, from execution histories',
        }
      : { value: estimate('lambdas'), source: 'estimated' },
    streamBatches: sdk
      ? { value: sdk.streamBatches, source: 'measured', note: 'non-empty GetRecords of the local stream feeds' }
      : { value: meter.messagesIn, source: 'estimated', note: 'bounded by messages received' },
    dynamoWriteUnits: sdk
      ? {
          value: sdk.totals.writeUnits + sdk.totals.estimatedWriteUnits,
          source: 'measured',
          note: `${sdk.totals.estimatedWriteUnits} of them for refused conditional writes (estimated: 1 per item, 2 in a transaction)`,
        }
      : {
          value: input.ticketsSold * ESTIMATED_UNITS_PER_TICKET.write,
          source: 'estimated',
          note: 'per-ticket profile of bench/RESULTS.md',
        },
    dynamoReadUnits: sdk
      ? { value: sdk.totals.readUnits, source: 'measured', note: 'as DynamoDB Local reports them' }
      : {
          value: input.ticketsSold * ESTIMATED_UNITS_PER_TICKET.read,
          source: 'estimated',
          note: 'per-ticket profile of bench/RESULTS.md',
        },
  };
}
