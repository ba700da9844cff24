import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './aws-identifiers';
import type { LocalExecution } from './local-execution';

/**
 * The EventBridge event Step Functions sends when an execution changes status — on AWS a rule on
 * `Step Functions Execution Status Change` (e.g. FAILED, TIMED_OUT, ABORTED) runs a Lambda with it;
 * locally the same event goes to the listeners of `LocalStepFunctions.onExecutionEnded`.
 */

import { EXECUTION_STATUS_CHANGE } from '../../contract/execution-status';

export { EXECUTION_STATUS_CHANGE };

export type EndedExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionStatusChangeDetail {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: EndedExecutionStatus;
  /** Epoch milliseconds, as in the AWS event. */
  readonly startDate: number;
  readonly stopDate: number;
  /** The execution's input and output as JSON text; output is null unless it succeeded. */
  readonly input: string;
  readonly output: string | null;
  readonly error: string | null;
  readonly cause: string | null;
  readonly inputDetails: { readonly included: boolean };
  readonly outputDetails: { readonly included: boolean } | null;
}

export type ExecutionStatusChangeEvent = EventBridgeEvent<
  typeof EXECUTION_STATUS_CHANGE,
  ExecutionStatusChangeDetail
> & {
  readonly source: 'aws.states';
};

/** Receives the event of every execution that ends; may be async (its failures are logged). */
export type ExecutionEndedListener = (event: ExecutionStatusChangeEvent) => void | Promise<void>;

export function executionStatusChangeEvent(execution: LocalExecution): ExecutionStatusChangeEvent {
  const ending = execution.ending;
  if (!ending) throw new Error(`${execution.executionArn} is still running`);
  const succeeded = ending.status === 'SUCCEEDED';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': EXECUTION_STATUS_CHANGE,
    source: 'aws.states',
    account: LOCAL_ACCOUNT_ID,
    time: new Date(ending.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: ending.status,
      startDate: execution.startDate.getTime(),
      stopDate: ending.at,
      input: execution.input,
      output: succeeded ? ending.output : null,
      error: succeeded ? null : (ending.error ?? null),
      cause: succeeded ? null : (ending.cause ?? null),
      inputDetails: { included: true },
      outputDetails: succeeded ? { included: true } : null,
    },
  };
}
