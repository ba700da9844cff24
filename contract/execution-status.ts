/**
 * EventBridge's "Step Functions Execution Status Change" event (source `aws.states`) as the
 * execution-ended compensation consumes it. Plain types and constants: the CDK rule's pattern is
 * built from the same list.
 */

/** The statuses the rule forwards: every way an order execution can end without succeeding. */
export const ENDED_EXECUTION_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type EndedExecutionStatus = (typeof ENDED_EXECUTION_STATUSES)[number];

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

export interface ExecutionStatusChangeDetail {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  /** The execution's name: for the order flow, the order id. */
  readonly name: string;
  readonly status: EndedExecutionStatus | 'RUNNING' | 'SUCCEEDED' | 'PENDING_REDRIVE';
  /** Epoch ms. */
  readonly startDate?: number;
  readonly stopDate?: number | null;
  readonly input?: string | null;
  readonly output?: string | null;
  readonly error?: string | null;
  readonly cause?: string | null;
}

export interface ExecutionStatusChangeEvent {
  readonly version?: string;
  readonly id?: string;
  readonly source: 'aws.states';
  readonly 'detail-type': typeof EXECUTION_STATUS_CHANGE;
  readonly account?: string;
  readonly time?: string;
  readonly region?: string;
  readonly resources?: readonly string[];
  readonly detail: ExecutionStatusChangeDetail;
}
