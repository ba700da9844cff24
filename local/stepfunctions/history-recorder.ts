import type { ExecutionStatus, HistoryEventType } from '@aws-sdk/client-sfn';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionHistory } from './execution-history';
import type { TaskInvocations } from './task-invocations';

/**
 * Turns aws-local-stepfunctions' event log into an AWS-shaped execution history. State entries and
 * exits, Parallel/Map progress and the execution's end come from the interpreter's events; what
 * happens inside a Task (scheduled, started, submitted, succeeded/failed) is written by its
 * TaskInvocation. The interpreter's retried/caught/branch events have no AWS counterpart.
 */

export type InterpreterEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type ExecutionOutcome =
  | { readonly status: Extract<ExecutionStatus, 'SUCCEEDED'>; readonly output: string; readonly at: number }
  | {
      readonly status: Extract<ExecutionStatus, 'FAILED' | 'ABORTED' | 'TIMED_OUT'>;
      readonly error?: string;
      readonly cause?: string;
      readonly at: number;
    };

const ENTERED: Record<string, HistoryEventType> = {
  Task: 'TaskStateEntered',
  Parallel: 'ParallelStateEntered',
  Map: 'MapStateEntered',
  Pass: 'PassStateEntered',
  Wait: 'WaitStateEntered',
  Choice: 'ChoiceStateEntered',
  Succeed: 'SucceedStateEntered',
  Fail: 'FailStateEntered',
};

const EXITED: Record<string, HistoryEventType> = {
  Task: 'TaskStateExited',
  Parallel: 'ParallelStateExited',
  Map: 'MapStateExited',
  Pass: 'PassStateExited',
  Wait: 'WaitStateExited',
  Choice: 'ChoiceStateExited',
  Succeed: 'SucceedStateExited',
};

const DETAILS = { truncated: false };

export interface HistoryRecorderOptions {
  readonly history: ExecutionHistory;
  readonly invocations: TaskInvocations;
  /** For each Parallel/Map state, the states inside it (their tasks are abandoned when it fails). */
  readonly statesInside: ReadonlyMap<string, ReadonlySet<string>>;
  readonly roleArn: string;
  /** The error and cause StopExecution was given, for the ExecutionAborted event. */
  readonly stopReason: () => { error?: string; cause?: string };
}

export class HistoryRecorder {
  private readonly failedSinceEntry = new Set<string>();

  constructor(private readonly options: HistoryRecorderOptions) {}

  /** Records one interpreter event; returns the outcome when it ends the execution. */
  record(event: InterpreterEvent): ExecutionOutcome | undefined {
    const { history, invocations } = this.options;
    const at = event.timestamp;
    switch (event.type) {
      case 'ExecutionStarted':
        history.append(
          'ExecutionStarted',
          {
            executionStartedEventDetails: {
              input: json(event.input),
              inputDetails: DETAILS,
              roleArn: this.options.roleArn,
            },
          },
          at,
        );
        return undefined;
      case 'StateEntered': {
        const { name, type, input } = event.state;
        this.failedSinceEntry.delete(name);
        history.append(
          ENTERED[type]!,
          { stateEnteredEventDetails: { name, input: json(input), inputDetails: DETAILS } },
          at,
        );
        if (type === 'Parallel') history.append('ParallelStateStarted', {}, at);
        if (type === 'Map') history.append('MapStateStarted', {}, at);
        if (type === 'Task') invocations.stateEntered(name);
        return undefined;
      }
      case 'StateExited': {
        const { name, type, output } = event.state;
        if (type === 'Task') invocations.stateExited(name);
        if (type === 'Parallel' && !this.failedSinceEntry.has(name)) history.append('ParallelStateSucceeded', {}, at);
        if (type === 'Map' && !this.failedSinceEntry.has(name)) history.append('MapStateSucceeded', {}, at);
        const exited = EXITED[type];
        if (exited)
          history.append(
            exited,
            { stateExitedEventDetails: { name, output: json(output), outputDetails: DETAILS } },
            at,
          );
        return undefined;
      }
      case 'StateFailed': {
        const { name, type } = event.state;
        if (type === 'Task' && event.Error === 'States.Timeout') invocations.timedOut(name);
        if (type === 'Parallel' || type === 'Map') {
          this.failedSinceEntry.add(name);
          history.append(type === 'Parallel' ? 'ParallelStateFailed' : 'MapStateFailed', {}, at);
          invocations.abandonInside(this.options.statesInside.get(name) ?? new Set(), at);
        }
        return undefined;
      }
      case 'StateRetried':
        this.failedSinceEntry.delete(event.state.name);
        return undefined;
      case 'MapIterationStarted':
        history.append(
          'MapIterationStarted',
          { mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index } },
          at,
        );
        return undefined;
      case 'MapIterationSucceeded':
        history.append(
          'MapIterationSucceeded',
          { mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index } },
          at,
        );
        return undefined;
      case 'MapIterationFailed':
        history.append(
          'MapIterationFailed',
          { mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index } },
          at,
        );
        return undefined;
      case 'ExecutionSucceeded': {
        const output = json(event.output);
        history.append(
          'ExecutionSucceeded',
          { executionSucceededEventDetails: { output, outputDetails: DETAILS } },
          at,
        );
        return { status: 'SUCCEEDED', output, at };
      }
      case 'ExecutionFailed': {
        const error = event.Error;
        const cause = causeText(event.Error, event.Cause);
        history.append('ExecutionFailed', { executionFailedEventDetails: { error, cause } }, at);
        return { status: 'FAILED', error, cause, at };
      }
      case 'ExecutionAborted': {
        const { error, cause } = this.options.stopReason();
        history.append('ExecutionAborted', { executionAbortedEventDetails: { error, cause } }, at);
        return { status: 'ABORTED', error, cause, at };
      }
      case 'ExecutionTimeout':
        history.append('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } }, at);
        return { status: 'TIMED_OUT', error: 'States.Timeout', at };
      default:
        return undefined; // StateCaught, ParallelBranch*: AWS writes nothing for them
    }
  }
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** The interpreter's stand-in when a Fail state has no Cause. */
const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';

/** Where AWS reports no cause, the interpreter repeats the error name (States.Timeout) or uses a default. */
function causeText(error: string, cause: unknown): string | undefined {
  const text = typeof cause === 'string' ? cause : cause === undefined ? undefined : JSON.stringify(cause);
  return text === error || text === FAIL_STATE_DEFAULT_CAUSE ? undefined : text;
}
